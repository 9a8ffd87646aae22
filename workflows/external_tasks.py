"""External tasks: BPMN elements that a worker outside the engine carries out, as in Camunda 7.

A ``serviceTask``, ``sendTask`` or ``businessRuleTask`` with ``camunda:type="external"`` and a
``camunda:topic``, or an ``intermediateThrowEvent`` whose message event definition carries them,
becomes a task that starts and then waits (SpiffWorkflow's STARTED state) until the service
records a worker's completion or BPMN error. The engine only knows which elements are external and
on what topic; creating, locking and completing the work items is the service's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import SendTaskParser
from SpiffWorkflow.bpmn.specs.defaults import IntermediateThrowEvent, SendTask, ServiceTask
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import CamundaIntermediateThrowEventParser
from SpiffWorkflow.camunda.parser.task_spec import BusinessRuleTaskParser
from SpiffWorkflow.camunda.specs.business_rule_task import BusinessRuleTask

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_TYPE = f"{{{CAMUNDA_NS}}}type"
_TOPIC = f"{{{CAMUNDA_NS}}}topic"
_PRIORITY = f"{{{CAMUNDA_NS}}}taskPriority"
TASK_TAGS = ("serviceTask", "sendTask", "businessRuleTask")
EVENT_TAGS = ("intermediateThrowEvent",)
MAX_TOPIC = 200


@dataclass(frozen=True)
class ExternalTaskDefinition:
    element_id: str
    name: str
    topic: str
    priority: int


def _carrier(node: etree._Element) -> etree._Element | None:
    """The element holding ``camunda:type``: the task itself, or a throw event's message definition."""
    if etree.QName(node).localname in EVENT_TAGS:
        return node.find(f"{{{BPMN_NS}}}messageEventDefinition")
    return node


def is_external(node: etree._Element) -> bool:
    carrier = _carrier(node)
    return carrier is not None and carrier.get(_TYPE) == "external"


def external_task_definitions(process: etree._Element) -> dict[str, ExternalTaskDefinition]:
    """Every external element of a process (subprocesses included), by element id."""
    found = {}
    for tag in TASK_TAGS + EVENT_TAGS:
        for node in process.iter(f"{{{BPMN_NS}}}{tag}"):
            if not is_external(node):
                continue
            carrier = _carrier(node)
            found[node.get("id")] = ExternalTaskDefinition(
                element_id=node.get("id"), name=node.get("name") or node.get("id"),
                topic=(carrier.get(_TOPIC) or "").strip(), priority=_priority(carrier.get(_PRIORITY)),
            )
    return found


def _priority(text: str | None) -> int:
    try:
        return max(min(int(text or 0), 2**31 - 1), -(2**31))
    except ValueError:
        return 0  # an expression such as ${priority}: not evaluated here; refused at deploy (see problems)


def external_task_problems(process: etree._Element) -> list[tuple[str, str]]:
    """(element id, message) for external elements that could never be worked. Service tasks that are not
    external are refused, with the reason, by ``workflows.element_support``."""
    problems = []
    for definition in external_task_definitions(process).values():
        if not definition.topic:
            problems.append((definition.element_id, "An external task needs a topic (camunda:topic) for workers "
                                                    "to fetch it by."))
        elif len(definition.topic) > MAX_TOPIC:
            problems.append((definition.element_id, f"The topic is longer than {MAX_TOPIC} characters."))
    for definition in external_task_definitions(process).values():
        carrier = _carrier(process.find(f".//*[@id='{definition.element_id}']"))
        raw = carrier.get(_PRIORITY)
        if raw is not None and not raw.strip().lstrip("-").isdigit():
            problems.append((definition.element_id, "camunda:taskPriority must be a whole number here."))
    return problems


class _WaitsWhenExternal:
    """A parser mixin: an external element becomes a task that starts and waits for its worker."""

    def create_task(self):
        if is_external(self.node):
            return ServiceTask(self.spec, self.bpmn_id, **self.bpmn_attributes)
        return super().create_task()


class _SendTaskParser(_WaitsWhenExternal, SendTaskParser):
    pass


class _BusinessRuleTaskParser(_WaitsWhenExternal, BusinessRuleTaskParser):
    pass


class _ThrowEventParser(_WaitsWhenExternal, CamundaIntermediateThrowEventParser):
    pass


class ProcessParser(CamundaParser):
    """Camunda's parser, with send tasks, business rule tasks and throw events able to be external.
    (A service task already starts and waits in SpiffWorkflow: it has nothing of its own to run.)"""

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("sendTask"): (_SendTaskParser, SendTask),
        full_tag("businessRuleTask"): (_BusinessRuleTaskParser, BusinessRuleTask),
        full_tag("intermediateThrowEvent"): (_ThrowEventParser, IntermediateThrowEvent),
    }


def topics_of(definitions: Mapping[str, ExternalTaskDefinition]) -> set[str]:
    return {d.topic for d in definitions.values()}
