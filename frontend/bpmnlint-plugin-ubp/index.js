// bpmnlint plugin with this project's rules. Use as "plugin:ubp/recommended";
// the rules live in ./rules/<name>.js and are named "ubp/<name>".
module.exports = {
  configs: {
    recommended: {
      rules: {
        'executable-process': 'error',
        'user-task-form': 'error',
        'user-task-dates': 'error',
        'task-implementation': 'error',
        'user-task-assignment': 'error',
        'reserved-ids': 'error'
      }
    }
  }
};
