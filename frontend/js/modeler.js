// Process editor: bpmn-js Modeler with the Camunda 7 ("platform") properties
// panel and bpmnlint. Page contract: see frontend/README.md.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule
} from 'bpmn-js-properties-panel';
import CamundaPlatformBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import lintModule from 'bpmn-js-bpmnlint';
import lintConfig from 'ubp:bpmnlint-config';

import { getText, postJson, sameOriginUrl, RequestError } from './lib/http.js';
import { clearMessages, showErrors, showSuccess } from './lib/messages.js';
import { errorMarkers } from './lib/error-markers.js';
import { addZoomButtons, openReadable } from './lib/zoom.js';
import SupportedPropertiesModule from './lib/supported-properties.js';

const container = document.getElementById('modeler');
if (container) {
  start(container);
}

function paletteEdge(container) {
  const palette = container.querySelector('.djs-palette');
  return (palette ? palette.offsetLeft + palette.offsetWidth : 0) + 20;
}

// Like zoom('fit-viewport') but keeps the diagram clear of the palette.
function fitBesidePalette(canvas, container) {
  const left = paletteEdge(container);
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height) {
    return;
  }
  const scale = Math.min(1, (outer.width - left - 20) / inner.width, (outer.height - 40) / inner.height);
  canvas.viewbox({
    x: inner.x - left / scale,
    y: inner.y - (outer.height / scale - inner.height) / 2,
    width: outer.width / scale,
    height: outer.height / scale
  });
}

function blankDiagram(processId) {
  const id = String(processId || 'new_process').replace(/[^A-Za-z0-9_-]/g, '_');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${id}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1"><dc:Bounds x="180" y="160" width="36" height="36" /></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

function start(container) {
  const messages = document.getElementById('modeler-messages');
  const comment = document.getElementById('deploy-comment');
  const buttons = ['validate', 'save-draft', 'deploy', 'download']
    .map((name) => document.getElementById(`modeler-${name}`))
    .filter(Boolean);

  const modeler = new BpmnModeler({
    container,
    propertiesPanel: { parent: '#properties-panel' },
    linting: { bpmnlint: lintConfig, active: true },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaPlatformBehaviorsModule,
      SupportedPropertiesModule,
      lintModule
    ],
    moddleExtensions: { camunda: camundaModdle }
  });
  // Browser tests drive bpmn-js' own modeling API through this (it is also handy from the console).
  window.ubpModeler = modeler;
  const fitToWindow = () => fitBesidePalette(modeler.get('canvas'), container);
  addZoomButtons(modeler.get('canvas'), container.closest('.ubp-modeler-layout') || container, fitToWindow);
  const markers = errorMarkers(modeler);
  let dirty = false;

  modeler.on('commandStack.changed', () => { dirty = true; });
  modeler.on('linting.completed', ({ issues }) => {
    container.dataset.lintIssues = String(Object.keys(issues).length);
  });
  window.addEventListener('beforeunload', (event) => {
    if (dirty) {
      event.preventDefault();
    }
  });

  function setBusy(busy) {
    container.setAttribute('aria-busy', String(busy));
    for (const button of buttons) {
      button.disabled = busy;
    }
  }

  function report(error, title) {
    const message = error instanceof RequestError ? error.message : `${title}: ${error.message}`;
    showErrors(messages, { message });
  }

  function showResult(result) {
    const errors = markers.show(result.errors);
    const options = { message: result.message, errors, onSelect: markers.select };
    if (result.ok) {
      showSuccess(messages, options);
    } else {
      showErrors(messages, options);
    }
  }

  async function submit(url, button) {
    if (!url || (button.dataset.confirm && !window.confirm(button.dataset.confirm))) {
      return;
    }
    setBusy(true);
    clearMessages(messages);
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const result = await postJson(url, { xml, comment: comment ? comment.value : '' });
      showResult(result);
      if (result.ok && url !== container.dataset.validateUrl) {
        dirty = false;
      }
      const target = result.ok && result.redirect && sameOriginUrl(result.redirect);
      if (target) {
        window.location.assign(target);
      }
    } catch (error) {
      report(error, 'The diagram could not be sent');
    } finally {
      setBusy(false);
    }
  }

  async function download() {
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const url = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = container.dataset.downloadName || 'process.bpmn';
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (error) {
      report(error, 'The diagram could not be downloaded');
    }
  }

  const actions = {
    'modeler-validate': (button) => submit(container.dataset.validateUrl, button),
    'modeler-save-draft': (button) => submit(container.dataset.draftUrl, button),
    'modeler-deploy': (button) => submit(container.dataset.deployUrl, button),
    'modeler-download': download
  };
  for (const button of buttons) {
    button.addEventListener('click', (event) => {
      event.preventDefault();
      actions[button.id](button);
    });
  }

  // A file from this computer, or a blank diagram, replaces what is open; nothing reaches the server until
  // it is checked, saved or deployed (where every server-side check runs as for any other diagram).
  const opener = document.getElementById('modeler-open');
  if (opener) {
    opener.addEventListener('change', async () => {
      const [file] = opener.files;
      if (file) {
        await open(() => file.text(), `${file.name} could not be opened`);
        dirty = true;
      }
    });
  }
  const blank = document.getElementById('modeler-blank');
  if (blank) {
    blank.addEventListener('click', async (event) => {
      event.preventDefault();
      if (dirty && !window.confirm('Start again from a blank diagram? Unsaved changes will be lost.')) {
        return;
      }
      await open(async () => blankDiagram(container.dataset.processId), 'The blank diagram could not be opened');
      dirty = true;
    });
  }

  // A new process (no data-bpmn-url) starts from the blank diagram.
  async function load() {
    if (container.dataset.bpmnUrl) {
      await open(() => getText(container.dataset.bpmnUrl), 'The diagram could not be opened');
    } else {
      await open(async () => blankDiagram(container.dataset.processId), 'The blank diagram could not be opened');
    }
  }

  async function open(readXml, failure) {
    setBusy(true);
    clearMessages(messages);
    try {
      const xml = await readXml();
      const { warnings } = await modeler.importXML(xml);
      openReadable(modeler.get('canvas'), fitToWindow, null, paletteEdge(container));
      if (warnings.length) {
        showErrors(messages, {
          title: 'The diagram opened with warnings',
          errors: warnings.map((warning) => ({ elementId: null, message: warning.message }))
        });
      }
      container.dataset.state = 'ready';
    } catch (error) {
      container.dataset.state = 'error';
      report(error, failure);
    } finally {
      setBusy(false);
    }
  }

  load();
}
