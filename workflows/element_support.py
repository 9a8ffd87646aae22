"""Which BPMN elements this platform runs, decided from the XML before SpiffWorkflow parses it.

Process owners bring files from Camunda. What cannot run here is refused at deploy with the reason,
naming the element, instead of deploying a case that would stop there for ever:

- service, send and business rule tasks implemented in Java (``camunda:class``,
  ``camunda:delegateExpression``, ``camunda:expression``) or by a connector;
- a service or send task with no implementation at all;
- a call activity that calls its own process, directly or through others in the same file;
- a user task or start event with a Camunda Form (``camunda:formRef``), which is not served here (it would
  otherwise become a "mark as done" form without a word).

External tasks (``camunda:type="external"``) are checked in ``workflows.external_tasks``.
Plain ``task`` and ``manualTask`` are not refused: they pass straight through (see ``pass_through``).
"""

from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN, "camunda": CAMUNDA}
_JAVA = {"class": "a Java class", "delegateExpression": "a Java delegate expression", "expression": "a Java expression"}
_IMPLEMENTED_TASKS = ("serviceTask", "sendTask", "businessRuleTask")


def element_problems(root: etree._Element) -> list[tuple[str | None, str]]:
    problems = []
    for kind in _IMPLEMENTED_TASKS:
        for task in root.iterfind(f".//bpmn:{kind}", NS):
            reason = _implementation_problem(task, kind)
            if reason:
                problems.append((task.get("id"), f"The {_words(kind)} {_label(task)} {reason}"))
    for kind in ("userTask", "startEvent"):
        for element in root.iterfind(f".//bpmn:{kind}", NS):
            if element.get(f"{{{CAMUNDA}}}formRef") is not None:
                problems.append((element.get("id"), f"The {_words(kind)} {_label(element)} uses a Camunda Form "
                                 "(camunda:formRef), which this platform does not serve. Use a form key naming a "
                                 "JSON form of the process, or form fields (generated task forms)."))
    problems += recursion_problems([root])
    return problems


def _implementation_problem(task: etree._Element, kind: str) -> str | None:
    for attribute, what in _JAVA.items():
        if task.get(f"{{{CAMUNDA}}}{attribute}") is not None:
            return (f"is implemented by {what} (camunda:{attribute}), which only a Java engine can run. "
                    "Make it an external task (camunda:type=\"external\" with a topic), a script task or a user task.")
    if task.find("bpmn:extensionElements/camunda:connector", NS) is not None:
        return "uses a Camunda connector, which this platform does not run. Make it an external task."
    if task.get(f"{{{CAMUNDA}}}type") == "external":
        return None  # run by workers: workflows.external_tasks checks its topic
    if kind == "businessRuleTask":
        if task.get(f"{{{CAMUNDA}}}decisionRef") is None:
            return "names no decision table (camunda:decisionRef)."
        return None
    return ("has no implementation this platform can run. Make it an external task "
            "(camunda:type=\"external\" with a topic), a script task or a user task.")


def recursion_problems(roots: list[etree._Element]) -> list[tuple[str | None, str]]:
    """Call activities that lead back to their own process, through the processes of ``roots``."""
    calls: dict[str, list[tuple[str, str]]] = {}
    for root in roots:
        for process in root.iterfind("bpmn:process", NS):
            calls[process.get("id")] = [(c.get("id"), c.get("calledElement") or "")
                                        for c in process.iterfind(".//bpmn:callActivity", NS)]
    problems = []
    for process_id, activities in calls.items():
        for activity_id, called in activities:
            if _reaches(calls, called, process_id, set()):
                problems.append((activity_id, f"The call activity {activity_id!r} calls {called!r}, which leads back "
                                              f"to {process_id!r}: a process cannot call itself."))
    return problems


def _reaches(calls: dict[str, list[tuple[str, str]]], start: str, target: str, seen: set[str]) -> bool:
    if start == target:
        return True
    if start in seen or start not in calls:
        return False
    seen.add(start)
    return any(_reaches(calls, called, target, seen) for _, called in calls[start])


def pass_through(specs) -> None:
    """Plain tasks and manual tasks run straight through, as in Camunda (SpiffWorkflow would wait for a person)."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if type(task_spec).__name__ in ("NoneTask", "ManualTask"):
                task_spec.manual = False


def _words(kind: str) -> str:
    return {"serviceTask": "service task", "sendTask": "send task", "businessRuleTask": "business rule task",
            "userTask": "user task", "startEvent": "start event"}[kind]


def _label(task: etree._Element) -> str:
    return repr(task.get("name") or task.get("id"))
