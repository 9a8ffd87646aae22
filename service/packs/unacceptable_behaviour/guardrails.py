"""Policy guardrails checked on every deployment of the policy process.

Process owners may change how the policy is run, but not so that it loses a safeguard the policy
requires. The checks read the diagram as a graph: "X cannot be reached without Y" means that with
every Y removed, no path leads from a start event to X. Elements are recognised by the
``caseEvent`` and ``recordsActor`` properties that the service acts on, so renaming or moving a
task keeps working, and removing what a property marks is caught.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from service.packs.unacceptable_behaviour.roles import DECIDERS
from workflows.definitions import Problem, ProcessDefinition

POLICY_PROCESS = "unacceptable_behaviour"
RESTRICTION_STARTS = frozenset({"decision_letter_sent", "restriction_dates_set"})


def policy_problems(definition: ProcessDefinition, known_case_events: Iterable[str] = ()) -> list[Problem]:
    """The pack's deploy check (``Pack.deploy_checks``): the safeguards the policy requires."""
    if definition.process_id != POLICY_PROCESS:
        return []
    problems: list[Problem] = []
    approvals = _tasks_recording(definition, "approver")
    proposals = _tasks_recording(definition, "proposer")
    reviewers = _tasks_recording(definition, "reviewer")
    adjustments = {e for e, name in definition.case_events.items() if name == "adjustments_recorded"}
    restrictions = {e for e, name in definition.case_events.items() if name in RESTRICTION_STARTS}
    problems += _required(approvals, "an approval task (recordsActor = approver)")
    problems += _required(proposals, "a formal proposal task (recordsActor = proposer)")
    problems += _required(reviewers, "an appeal task heard by the independent reviewer (recordsActor = reviewer)")
    problems += _required(adjustments, "a reasonable adjustments step (caseEvent = adjustments_recorded)")
    problems += _required(restrictions, "the decision letter that starts a restriction")
    for task in approvals:
        problems += _held_by_deciders(definition, task, "The approval")
        problems += _excludes(definition, task, {"proposer"}, "The approval")
        problems += _not_preassigned(definition, task, "The approval")
    for task in reviewers:
        problems += _held_by_deciders(definition, task, "The appeal")
        problems += _excludes(definition, task, {"proposer", "approver", "letter_sender"}, "The appeal")
        problems += _not_preassigned(definition, task, "The appeal")
    problems += _unreachable_without(definition, restrictions, approvals,
                                     "A restriction can be reached without approval by a Head of Service or Executive.")
    problems += _unreachable_without(definition, proposals, adjustments,
                                     "A formal proposal can be reached without the reasonable adjustments step.")
    if not any("restriction_ends_at" in expression for expression in definition.timers.values()):
        problems.append(Problem(None, "The restriction end timer is missing: a timer on restriction_ends_at must "
                                      "end every restriction (restrictions are never indefinite)."))
    problems += _expiry_on_end_date(definition)
    return problems


def _expiry_on_end_date(definition: ProcessDefinition) -> list[Problem]:
    """The element that ends a restriction (caseEvent restriction_expired) must be the end date's timer."""
    return [
        Problem(element, "The restriction must end on its end date: this event needs a timer on "
                         "restriction_ends_at (restrictions are never indefinite).")
        for element, name in sorted(definition.case_events.items())
        if name == "restriction_expired" and "restriction_ends_at" not in definition.timers.get(element, "")
    ]


def _subprocesses(definition: ProcessDefinition) -> set[str]:
    ends = (target for _, target in definition.implicit_edges if target.endswith("#completed"))
    return {target.removesuffix("#completed") for target in ends}


def _tasks_recording(definition: ProcessDefinition, actor: str) -> set[str]:
    return {t.element_id for t in definition.user_tasks.values() if t.properties.get("recordsActor") == actor}


def _required(found: set[str], what: str) -> list[Problem]:
    return [] if found else [Problem(None, f"The policy process must have {what}.")]


def _held_by_deciders(definition: ProcessDefinition, element: str, label: str) -> list[Problem]:
    task = definition.user_tasks[element]
    groups = set(task.candidate_groups)
    if groups and groups <= set(DECIDERS):
        return []
    return [Problem(element, f"{label} must be held only by a Head of Service or Executive "
                             "(candidate groups head_of_service, executive).")]


def _not_preassigned(definition: ProcessDefinition, element: str, label: str) -> list[Problem]:
    # Who decides depends on who took part in the case, so no one can be named in advance.
    if not definition.user_tasks[element].assignee:
        return []
    return [Problem(element, f"{label} must not name an assignee: it goes to a decider who took no part "
                             "in the case, which is known only when the case gets there.")]


def _excludes(definition: ProcessDefinition, element: str, needed: set[str], label: str) -> list[Problem]:
    excluded = {p.strip() for p in definition.user_tasks[element].properties.get("excludedActors", "").split(",")}
    missing = sorted(needed - excluded)
    if not missing:
        return []
    return [Problem(element, f"{label} must exclude everyone involved in the decision "
                             f"(excludedActors is missing: {', '.join(missing)}).")]


def _unreachable_without(definition: ProcessDefinition, targets: set[str], gates: set[str], message: str):
    successors: dict[str, list[str]] = defaultdict(list)
    subprocesses = _subprocesses(definition)
    for flow in definition.flows.values():
        # A subprocess is left through its outgoing flows once its own end is reached.
        source = f"{flow.source}#completed" if flow.source in subprocesses else flow.source
        successors[source].append(flow.target)
    for source, target in definition.implicit_edges:
        successors[source].append(target)
    seen = set(definition.start_events)
    frontier = list(seen)
    while frontier:
        for following in successors[frontier.pop()]:
            if following not in seen and following not in gates:
                seen.add(following)
                frontier.append(following)
    return [Problem(target, message) for target in sorted(targets & seen)]
