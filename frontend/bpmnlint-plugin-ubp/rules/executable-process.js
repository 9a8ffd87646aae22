// A process with flow elements must be marked executable, or the engine
// will not run it.
module.exports = function() {
  function check(node, reporter) {
    if (node.$instanceOf('bpmn:Process') && (node.flowElements || []).length && !node.isExecutable) {
      reporter.report(node.id, 'Process is not executable: tick "Executable" in the process properties');
    }
  }

  return { check };
};
