// Every user task needs a form (camunda:formKey) for staff to complete.
module.exports = function() {
  function check(node, reporter) {
    if (node.$instanceOf('bpmn:UserTask') && !String(node.get('camunda:formKey') || '').trim()) {
      reporter.report(node.id, 'User task has no form key (Forms > Form key)');
    }
  }

  return { check };
};
