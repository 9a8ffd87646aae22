"""Checks a diagram must pass before it may be deployed, beyond parsing.

Every expression and script is compiled in the sandbox (never run), every user task must have a
form and someone to do it, and due dates must be understood. Each problem names its element so the
modeler can highlight it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime

from lxml import etree

from workflows.definitions import NS, Problem, ProcessDefinition
from workflows.due_dates import DueDateError, due_instant
from workflows.sandbox import compile_problems

# Every element whose text SpiffWorkflow evaluates as an expression.
_EXPRESSIONS = (
    ("bpmn:conditionExpression", "eval", "condition"),
    ("bpmn:timeDate", "eval", "timer date"),
    ("bpmn:timeDuration", "eval", "timer duration"),
    ("bpmn:timeCycle", "eval", "timer cycle"),
    # The engine's parser reads an event's condition with ".//bpmn:condition": anywhere inside it.
    ("bpmn:condition", "eval", "event condition"),
    ("bpmn:loopCardinality", "eval", "loop cardinality"),
    ("bpmn:completionCondition", "eval", "completion condition"),
    ("bpmn:loopCondition", "eval", "loop condition"),
    ("bpmn:correlationPropertyRetrievalExpression/bpmn:messagePath", "eval", "correlation expression"),
    ("bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression", "eval", "correlation expression"),
)
_MESSAGE_PAYLOAD = f"{{{NS['camunda']}}}expression"  # camunda:expression on a message event definition


def expression_problems(root: etree._Element) -> list[Problem]:
    problems: list[Problem] = []
    for path, mode, what in _EXPRESSIONS:
        for node in root.iterfind(f".//{path}", NS):
            owner = _owner_id(node)
            problems += [Problem(owner, f"The {what} does not compile safely: {p}")
                         for p in compile_problems((node.text or "").strip(), mode)]
    for node in root.iterfind(".//bpmn:messageEventDefinition", NS):
        if node.get(_MESSAGE_PAYLOAD) is not None:
            problems += [Problem(_owner_id(node), f"The message payload does not compile safely: {p}")
                         for p in compile_problems(node.get(_MESSAGE_PAYLOAD).strip(), "eval")]
    # The engine reads a script task's script with ".//bpmn:script" (inside extensionElements too), so
    # every bpmn:script anywhere is checked, named after the element that holds it.
    for script in root.iterfind(".//bpmn:script", NS):
        problems += [Problem(_owner_id(script), f"The script does not compile safely: {p}")
                     for p in compile_problems(script.text or "", "exec")]
    return problems


def _owner_id(node: etree._Element) -> str | None:
    # Named after the element a modeler can select: an event, not its definition; a task, not its loop.
    while node is not None and (node.get("id") is None or etree.QName(node).localname.endswith(
            ("EventDefinition", "LoopCharacteristics"))):
        node = node.getparent()
    return node.get("id") if node is not None else None


def user_task_problems(
    definition: ProcessDefinition,
    *,
    known_roles: Iterable[str],
    lane_roles: Mapping[str, tuple[str, ...]],
    form_exists: Callable[[str], bool],
) -> list[Problem]:
    roles = set(known_roles)
    problems: list[Problem] = []
    if definition.start_form_key and not form_exists(definition.start_form_key):
        problems.append(Problem(None, f"The start form {definition.start_form_key!r} does not exist."))
    for message, key in definition.message_forms.items():
        if not form_exists(key):
            problems.append(Problem(None, f"The message {message!r} uses the form {key!r}, which does not exist."))
    for task in definition.user_tasks.values():
        label = f"The task {task.name!r}"
        if not task.form_key:
            problems.append(Problem(task.element_id, f"{label} has no form key."))
        elif not form_exists(task.form_key):
            problems.append(Problem(task.element_id, f"{label} uses the form {task.form_key!r}, which does not exist."))
        unknown = [g for g in task.candidate_groups if g not in roles]
        if unknown:
            problems.append(Problem(task.element_id, f"{label} names unknown candidate groups: {', '.join(unknown)}."))
        if not task.candidate_groups and task.lane not in lane_roles:
            problems.append(Problem(
                task.element_id, f"{label} is in no lane that maps to a role and has no candidate groups."
            ))
        try:
            due_instant(task.due_date, datetime(2026, 1, 1, tzinfo=UTC))
        except DueDateError as error:
            problems.append(Problem(task.element_id, str(error)))
    return problems
