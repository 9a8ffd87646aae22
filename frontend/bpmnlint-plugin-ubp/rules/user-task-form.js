// The server's rule for task forms (workflows/generated_forms.py, workflows/validation.py): a form key names a
// JSON form deployed with the diagram; a task without one gets a form from its form fields (camunda:formData)
// or a plain "mark as done" form. Embedded, app and Camunda Forms (camunda:formRef) are not served here.
module.exports = function() {
  function check(node, reporter) {
    if (!node.$instanceOf('bpmn:UserTask')) {
      return;
    }
    const key = String(node.get('camunda:formKey') || '').trim();
    if (key && !/^[a-z0-9_]+$/.test(key)) {
      reporter.report(node.id, 'Form key must name a form of this process (lower-case letters, digits, _); ' +
        'embedded: and app: forms are not served here');
    }
    if (node.get('camunda:formRef')) {
      reporter.report(node.id, 'Camunda Forms (form reference) are not served here: use a form key, or form fields');
    }
  }

  return { check };
};
