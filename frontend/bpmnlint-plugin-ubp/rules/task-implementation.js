// The server's rule for service, send and business rule tasks (workflows/element_support.py): Java classes,
// delegate expressions, Java expressions and connectors cannot run here, an external task needs a topic
// (workflows/external_tasks.py), and a business rule task must name its decision table.
const JAVA = ['class', 'delegateExpression', 'expression'];

module.exports = function() {
  function check(node, reporter) {
    const kind = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'].find((type) => node.$instanceOf(type));
    if (!kind) {
      return;
    }
    const java = JAVA.find((attribute) => node.get(`camunda:${attribute}`));
    const connector = ((node.extensionElements && node.extensionElements.values) || [])
      .some((value) => value.$instanceOf('camunda:Connector'));
    if (java) {
      reporter.report(node.id, `Implemented in Java (camunda:${java}), which only a Java engine can run: ` +
        'make it a script task or a user task');
    } else if (connector) {
      reporter.report(node.id, 'Camunda connectors are not run here: make it a script task or a user task');
    } else if (node.get('camunda:type') === 'external') {
      if (!String(node.get('camunda:topic') || '').trim()) {
        reporter.report(node.id, 'An external task needs a topic (camunda:topic) for workers to fetch it by');
      }
    } else if (kind === 'bpmn:BusinessRuleTask') {
      if (!node.get('camunda:decisionRef')) {
        reporter.report(node.id, 'Business rule task names no decision table (camunda:decisionRef)');
      }
    } else {
      reporter.report(node.id, 'Has no implementation this platform can run: make it a script task or a user task');
    }
  }

  return { check };
};
