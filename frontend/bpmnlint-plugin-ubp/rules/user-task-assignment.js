// A user task should say who can pick it up: candidate groups or users, an assignee, or a lane (the
// service offers a task in a lane to the lane's group, and warns at deploy if no group matches).
function inALane(node) {
  const laneSets = (node.$parent && node.$parent.laneSets) || [];
  const lanes = [];
  const collect = (set) => (set.lanes || []).forEach((lane) => {
    lanes.push(lane);
    if (lane.childLaneSet) {
      collect(lane.childLaneSet);
    }
  });
  laneSets.forEach(collect);
  return lanes.some((lane) => (lane.flowNodeRef || []).includes(node));
}

module.exports = function() {
  function check(node, reporter) {
    if (!node.$instanceOf('bpmn:UserTask')) {
      return;
    }
    const named = ['camunda:candidateGroups', 'camunda:candidateUsers', 'camunda:assignee']
      .some((attribute) => String(node.get(attribute) || '').trim());
    if (!named && !inALane(node)) {
      reporter.report(node.id, 'User task has no candidate groups or users, assignee or lane (User assignment)');
    }
  }

  return { check };
};
