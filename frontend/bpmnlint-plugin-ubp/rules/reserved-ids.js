// The server's rule for ids (workflows/definitions.py): the engine names its own tasks Start, End and Root,
// so no element may use those ids.
const RESERVED = new Set(['Start', 'End', 'Root']);

module.exports = function() {
  function check(node, reporter) {
    if (RESERVED.has(node.id)) {
      reporter.report(node.id, `The id "${node.id}" is reserved by the engine: give this element another id`);
    }
  }

  return { check };
};
