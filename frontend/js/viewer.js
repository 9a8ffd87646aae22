// Read-only diagrams: every `.ubp-diagram[data-bpmn-url]` on the page gets a
// bpmn-js NavigatedViewer, with progress, heatmap and change markers from
// `data-overlay-url` (see frontend/README.md).
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { is } from 'bpmn-js/lib/util/ModelUtil';

import { getJson, getText, RequestError } from './lib/http.js';
import { addZoomButtons, openReadable } from './lib/zoom.js';

const LABELS = {
  'ubp-completed': ['Done', 'done'],
  'ubp-active': ['Current', 'current'],
  'ubp-added': ['Added', 'added'],
  'ubp-changed': ['Changed', 'changed'],
  'ubp-removed': ['Removed', 'removed']
};

function ids(value) {
  return Array.isArray(value) ? value.filter((id) => typeof id === 'string') : [];
}

function label(className, text) {
  const node = document.createElement('span');
  node.className = className;
  node.textContent = text;
  return node;
}

function decorate(viewer, data) {
  const canvas = viewer.get('canvas');
  const elementRegistry = viewer.get('elementRegistry');
  const overlays = viewer.get('overlays');

  function mark(id, marker) {
    if (!elementRegistry.get(id)) {
      return false;
    }
    canvas.addMarker(id, marker);
    const text = LABELS[marker];
    const element = elementRegistry.get(id);
    // A task's name is inside it, so its badge goes above it, clear of the name. Events and gateways
    // have their names written around them, where a badge would cover one: their thick outline and
    // tint mark them, and the page lists the path in words.
    if (text && is(element, 'bpmn:Activity')) {
      overlays.add(id, 'ubp-label', {
        position: { top: -26, left: 0 },
        html: label(`ubp-diagram-label ubp-diagram-label--${text[1]}`, text[0])
      });
    }
    return true;
  }

  ids(data.completed).forEach((id) => mark(id, 'ubp-completed'));
  ids(data.active).forEach((id) => mark(id, 'ubp-active'));
  ids(data.taken_flows).forEach((id) => mark(id, 'ubp-taken'));

  const changed = data.changed && typeof data.changed === 'object' ? data.changed : {};
  ids(changed.added).forEach((id) => mark(id, 'ubp-added'));
  ids(changed.changed).forEach((id) => mark(id, 'ubp-changed'));
  ids(changed.removed).forEach((id) => mark(id, 'ubp-removed'));

  const counts = data.counts && typeof data.counts === 'object' ? Object.entries(data.counts) : [];
  const numbers = counts.filter(([id, n]) => Number.isFinite(n) && n > 0 && elementRegistry.get(id));
  const max = Math.max(0, ...numbers.map(([, n]) => n));
  for (const [id, n] of numbers) {
    canvas.addMarker(id, `ubp-heat-${Math.max(1, Math.ceil((5 * n) / max))}`);
    overlays.add(id, 'ubp-count', {
      position: { top: -12, left: -12 },
      html: label('ubp-diagram-count', String(n))
    });
  }
}

async function show(container) {
  const viewer = new NavigatedViewer({ container });
  try {
    const overlayUrl = container.dataset.overlayUrl;
    const [xml, data] = await Promise.all([
      getText(container.dataset.bpmnUrl),
      overlayUrl ? getJson(overlayUrl) : Promise.resolve({})
    ]);
    await viewer.importXML(xml);
    const canvas = viewer.get('canvas');
    const fit = () => canvas.zoom('fit-viewport', 'auto');
    const current = ids(data.active).map((id) => viewer.get('elementRegistry').get(id)).find(Boolean);
    openReadable(canvas, fit, current);
    decorate(viewer, data);
    addZoomButtons(canvas, container, fit);
    container.dataset.state = 'ready';
  } catch (error) {
    container.dataset.state = 'error';
    const message = error instanceof RequestError ? error.message : 'The diagram could not be shown.';
    viewer.destroy();
    const note = document.createElement('p');
    note.className = 'ubp-diagram__error';
    note.textContent = message;
    container.replaceChildren(note);
  }
}

document.querySelectorAll('.ubp-diagram[data-bpmn-url]').forEach(show);
