// A user task should say who can pick it up: candidate groups or an assignee.
module.exports = function() {
  function check(node, reporter) {
    if (!node.$instanceOf('bpmn:UserTask')) {
      return;
    }
    const groups = String(node.get('camunda:candidateGroups') || '').trim();
    const assignee = String(node.get('camunda:assignee') || '').trim();
    if (!groups && !assignee) {
      reporter.report(node.id, 'User task has no candidate groups or assignee (User assignment)');
    }
  }

  return { check };
};
