"""Checks a diagram must pass before it may be deployed, beyond parsing.

Every expression and script is compiled in the sandbox (never run), every user task must have a
form and someone to do it, and due dates must be understood. Each problem names its element so the
modeler can highlight it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from lxml import etree

from workflows import timer_expressions
from workflows.camunda_expressions import translate_expressions
from workflows.definitions import NS, Problem, ProcessDefinition
from workflows.due_dates import DueDateError, due_instant
from workflows.sandbox import compile_problems
from workflows.timer_expressions import TimerExpressionError

# Every element whose text SpiffWorkflow evaluates as an expression.
_EXPRESSIONS = (
    ("bpmn:conditionExpression", "eval", "condition"),
    # The engine's parser reads an event's condition with ".//bpmn:condition": anywhere inside it.
    # (Timer expressions are checked by workflows.timer_expressions, which also reads plain ISO values.)
    ("bpmn:condition", "eval", "event condition"),
    ("bpmn:loopCardinality", "eval", "loop cardinality"),
    ("bpmn:completionCondition", "eval", "completion condition"),
    ("bpmn:loopCondition", "eval", "loop condition"),
    ("bpmn:correlationPropertyRetrievalExpression/bpmn:messagePath", "eval", "correlation expression"),
    ("bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression", "eval", "correlation expression"),
)
# Timer bodies are compiled as translated (plain ISO values and ${…} become sandbox expressions).
_TIMERS = (("bpmn:timeDate", "date"), ("bpmn:timeDuration", "duration"), ("bpmn:timeCycle", "cycle"))
_MESSAGE_PAYLOAD = f"{{{NS['camunda']}}}expression"  # camunda:expression on a message event definition


def expression_problems(root: etree._Element) -> list[Problem]:
    """Compile every expression as it will run: ``${…}`` ones are translated first (``root`` is changed)."""
    problems: list[Problem] = [Problem(element, message) for element, message in translate_expressions(root)]
    for path, mode, what in _EXPRESSIONS:
        for node in root.iterfind(f".//{path}", NS):
            owner = _owner_id(node)
            problems += [Problem(owner, f"The {what} does not compile safely: {p}")
                         for p in compile_problems((node.text or "").strip(), mode)]
    for path, kind in _TIMERS:
        for node in root.iterfind(f".//{path}", NS):
            problems += _timer_problems(_owner_id(node), kind, node.text or "")
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


def _timer_problems(owner: str | None, kind: str, text: str) -> list[Problem]:
    try:
        expression = timer_expressions.translate(kind, text)
    except TimerExpressionError as error:
        return [Problem(owner, str(error))]
    return [Problem(owner, f"The timer {kind} does not compile safely: {p}")
            for p in compile_problems(expression, "eval")]


def _owner_id(node: etree._Element) -> str | None:
    # Named after the element a modeler can select: an event, not its definition; a task, not its loop.
    while node is not None and (node.get("id") is None or etree.QName(node).localname.endswith(
            ("EventDefinition", "LoopCharacteristics"))):
        node = node.getparent()
    return node.get("id") if node is not None else None


def user_task_problems(definition: ProcessDefinition, *, form_exists: Callable[[str], bool]) -> list[Problem]:
    """Problems that stop a deployment. Who does a task is only checked for being said at all: whether
    the groups and people it names exist is the service's business (a warning, not a refusal)."""
    problems: list[Problem] = []
    if definition.start_form_key and not form_exists(definition.start_form_key):
        problems.append(Problem(None, f"The start form {definition.start_form_key!r} does not exist."))
    for message, key in definition.message_forms.items():
        if not form_exists(key):
            problems.append(Problem(None, f"The message {message!r} uses the form {key!r}, which does not exist."))
    for task in definition.user_tasks.values():
        label = f"The task {task.name!r}"
        if not form_exists(task.form_key):
            problems.append(Problem(task.element_id, f"{label} uses the form {task.form_key!r}, which does not exist."))
        if not task.candidate_groups and not task.candidate_users and not task.lane:
            problems.append(Problem(task.element_id, f"{label} is offered to no one: "
                                                     "give it candidate groups or users, or put it in a lane."))
        for expression in (task.due_date, task.follow_up_date):
            try:
                due_instant(expression, datetime(2026, 1, 1, tzinfo=UTC))
            except DueDateError as error:
                problems.append(Problem(task.element_id, str(error)))
        priority = (task.priority or "50").strip()
        if not (priority.isdigit() and int(priority) <= 1000):
            problems.append(Problem(task.element_id, f"{label} has a priority that is not a whole number from 0 to "
                                                     "1000 (camunda:priority)."))
    return problems
