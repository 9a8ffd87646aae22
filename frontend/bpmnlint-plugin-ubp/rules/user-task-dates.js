// The server's rule for due and follow-up dates (workflows/due_dates.py): "5 working days", a duration in whole
// days or hours ("P3D", "PT4H"), or an ISO date-time with its offset. Anything else is refused at deploy.
const WORKING_DAYS = /^\s*\d{1,3}\s+working\s+days?\s*$/i;
const DURATION = /^P(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

function understood(value) {
  const text = String(value || '').trim();
  const duration = DURATION.exec(text);
  return !text || WORKING_DAYS.test(text) || Boolean(duration && (duration[1] || duration[2])) || INSTANT.test(text);
}

module.exports = function() {
  function check(node, reporter) {
    if (!node.$instanceOf('bpmn:UserTask')) {
      return;
    }
    for (const [attribute, label] of [['camunda:dueDate', 'Due date'], ['camunda:followUpDate', 'Follow up date']]) {
      if (!understood(node.get(attribute))) {
        reporter.report(node.id, `${label} is not understood here: write e.g. "5 working days", "P3D" or a ` +
          'date-time with its offset (+00:00)');
      }
    }
  }

  return { check };
};
