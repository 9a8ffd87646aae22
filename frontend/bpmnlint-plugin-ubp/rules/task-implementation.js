// The server's rule for service, send and business rule tasks (workflows/element_support.py): Java classes,
// delegate expressions, Java expressions and connectors cannot run here, external tasks are not supported yet,
// and a business rule task must name its decision table.
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
      reporter.report(node.id, 'External tasks are not supported by this version yet');
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
