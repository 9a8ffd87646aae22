// The properties panel offers only what the server accepts (workflows/due_dates.py, workflows/generated_forms.py):
// - Form type: a form key (a JSON form deployed with the process) or generated task forms (camunda:formData);
//   Camunda Forms (camunda:formRef) are not served here, so they are offered only to clear one already set.
// - Due and follow-up dates: described in the forms the server reads, and checked as they are typed.
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

const LOWER_THAN_CAMUNDA = 400; // the Camunda provider registers at 500; lower runs after it

const WORKING_DAYS = /^\s*\d{1,3}\s+working\s+days?\s*$/i;
const DURATION = /^P(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
export const DATE_HINT = 'A number of working days ("5 working days"), days or hours from when the task opens ' +
  '("P3D", "PT4H"), or a date and time with its offset ("2027-01-31T17:00:00+00:00").';

/** The server's message for a due date it would refuse, or null (mirrors workflows/due_dates.py). */
export function dueDateProblem(value) {
  const text = (value || '').trim();
  if (!text || WORKING_DAYS.test(text)) {
    return null;
  }
  const duration = DURATION.exec(text);
  if (duration && (duration[1] || duration[2])) {
    return null;
  }
  if (INSTANT.test(text)) {
    return null;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text))) {
    return 'Add a time zone offset, e.g. +00:00.';
  }
  return 'Not understood here: write e.g. "5 working days", "P3D" or a date-time with its offset.';
}

function DateEntry(props) {
  const { element, id, attribute, label } = props;
  const commandStack = useService('commandStack');
  const debounce = useService('debounceInput');
  const businessObject = getBusinessObject(element);
  return TextFieldEntry({
    element,
    id,
    label,
    description: DATE_HINT,
    getValue: () => businessObject.get(attribute),
    // A date the server would refuse stays in the field with its error and never reaches the diagram.
    setValue: (value) => dueDateProblem(value) || commandStack.execute('element.updateModdleProperties', {
      element, moddleElement: businessObject, properties: { [attribute]: value }
    }),
    validate: dueDateProblem,
    debounce
  });
}

function DueDate(props) {
  return DateEntry({ ...props, id: 'dueDate', attribute: 'camunda:dueDate', label: 'Due date' });
}

function FollowUpDate(props) {
  return DateEntry({ ...props, id: 'followUpDate', attribute: 'camunda:followUpDate', label: 'Follow up date' });
}

function FormType(props) {
  const { element } = props;
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const businessObject = getBusinessObject(element);
  const formData = () => ((businessObject.get('extensionElements') || { values: [] }).values || [])
    .find((value) => value.$instanceOf('camunda:FormData'));

  const getValue = () => {
    if (businessObject.get('camunda:formKey') !== undefined) {
      return 'formKey';
    }
    if (businessObject.get('camunda:formRef') !== undefined) {
      return 'formRef';
    }
    return formData() ? 'formData' : '';
  };

  const setValue = (value) => {
    let extensionElements = businessObject.get('extensionElements');
    const commands = [{
      cmd: 'element.updateModdleProperties',
      context: {
        element, moddleElement: businessObject,
        properties: {
          'camunda:formKey': value === 'formKey' ? '' : undefined,
          'camunda:formRef': undefined, 'camunda:formRefBinding': undefined, 'camunda:formRefVersion': undefined
        }
      }
    }];
    if (extensionElements && formData() && value !== 'formData') {
      commands.push({ cmd: 'element.updateModdleProperties', context: {
        element, moddleElement: extensionElements,
        properties: { values: extensionElements.get('values').filter((v) => !v.$instanceOf('camunda:FormData')) }
      } });
    }
    if (value === 'formData' && !formData()) {
      if (!extensionElements) {
        extensionElements = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
        extensionElements.$parent = businessObject;
        commands.push({ cmd: 'element.updateModdleProperties', context: {
          element, moddleElement: businessObject, properties: { extensionElements }
        } });
      }
      const fields = bpmnFactory.create('camunda:FormData', { fields: [] });
      fields.$parent = extensionElements;
      commands.push({ cmd: 'element.updateModdleProperties', context: {
        element, moddleElement: extensionElements, properties: { values: [...extensionElements.get('values'), fields] }
      } });
    }
    commandStack.execute('properties-panel.multi-command-executor', commands);
  };

  const getOptions = () => [
    { value: '', label: 'None: a "mark as done" form' },
    { value: 'formKey', label: 'Form key: a JSON form of this process' },
    { value: 'formData', label: 'Generated task forms (form fields)' },
    ...(getValue() === 'formRef' ? [{ value: 'formRef', label: 'Camunda Forms: not served here, choose another' }] : [])
  ];

  return SelectEntry({ element, id: 'formType', label: 'Type', getValue, setValue, getOptions });
}

function replaceEntry(groups, groupId, entryId, entry) {
  const group = groups.find((candidate) => candidate.id === groupId);
  const index = group ? group.entries.findIndex((candidate) => candidate.id === entryId) : -1;
  if (index >= 0) {
    group.entries[index] = { ...group.entries[index], ...entry };
  }
}

class SupportedProperties {
  constructor(propertiesPanel) {
    propertiesPanel.registerProvider(LOWER_THAN_CAMUNDA, this);
  }

  getGroups() {
    return (groups) => {
      replaceEntry(groups, 'CamundaPlatform__Form', 'formType', { component: FormType, isEdited: isSelectEntryEdited });
      for (const [id, component] of [['dueDate', DueDate], ['followUpDate', FollowUpDate]]) {
        replaceEntry(groups, 'CamundaPlatform__UserAssignment', id, { component, isEdited: isTextFieldEntryEdited });
      }
      return groups;
    };
  }
}
SupportedProperties.$inject = ['propertiesPanel'];

export default {
  __init__: ['supportedProperties'],
  supportedProperties: ['type', SupportedProperties]
};
