"""Deployable process definitions: a BPMN file parsed once, with what the service needs to know.

SpiffWorkflow's Camunda parser reads ``camunda:formKey`` but not candidate groups, assignee or
due date, so those (and lanes, documentation and ``camunda:properties``) are read from the XML
here and kept beside the parsed spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition

from workflows.diagram_limits import limit_problems
from workflows.xml_safety import UnsafeXmlError, parse_untrusted_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}
# SpiffWorkflow names its own internal task specs like this; a BPMN element with one of these ids
# silently replaces them and the process cannot start.
_RESERVED_IDS = frozenset({"Start", "End", "Root"})


@dataclass(frozen=True)
class Problem:
    element_id: str | None
    message: str


class DeploymentError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class UserTaskDefinition:
    element_id: str
    name: str
    lane: str | None
    form_key: str | None
    candidate_groups: tuple[str, ...]
    assignee: str | None
    due_date: str | None
    documentation: str | None
    properties: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SequenceFlow:
    flow_id: str
    source: str
    target: str
    name: str | None
    condition: str | None


@dataclass(frozen=True, eq=False)
class ProcessDefinition:
    process_id: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: Mapping[str, BpmnProcessSpec]
    user_tasks: Mapping[str, UserTaskDefinition]
    start_form_key: str | None
    flows: Mapping[str, SequenceFlow]
    element_names: Mapping[str, str]
    flow_by_ends: Mapping[tuple[str, str], str]
    end_events: frozenset[str]
    final_end_event: str | None
    case_events: Mapping[str, str]
    timers: Mapping[str, str]
    start_events: tuple[str, ...]
    # Edges that are not sequence flows: an activity to its boundary events, a subprocess to its
    # own start events, and a subprocess's end events back out to the subprocess.
    implicit_edges: tuple[tuple[str, str], ...] = ()
    # Message name -> the form its payload is validated against (a formKey property on the catch event).
    message_forms: Mapping[str, str] = field(default_factory=dict)
    # Message name -> the elements a case can be waiting at when that message is welcome: catch
    # events, boundary events and the event-based gateways in front of them.
    message_catchers: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def flow_between(self, source: str, target: str) -> str | None:
        return self.flow_by_ends.get((source, target))


def parse_definitions(content: bytes, filename: str = "diagram.bpmn") -> list[ProcessDefinition]:
    """Parse one BPMN file into a definition per executable process, or raise DeploymentError."""
    try:
        root = parse_untrusted_xml(content)
    except UnsafeXmlError as error:
        raise DeploymentError([Problem(None, str(error))]) from None
    if etree.QName(root).namespace != BPMN_NS or etree.QName(root).localname != "definitions":
        raise DeploymentError([Problem(None, "The file is not a BPMN 2.0 document (no bpmn:definitions).")])
    clashes = [e.get("id") for e in root.iter() if e.get("id") in _RESERVED_IDS]
    if clashes:
        raise DeploymentError(
            [Problem(i, f"The id {i!r} is reserved by the engine: give this element another id.") for i in clashes]
        )
    limits = limit_problems(root)  # before the engine's parser, which a huge diagram would keep busy
    if limits:
        raise DeploymentError([Problem(element_id, message) for element_id, message in limits])
    parser = CamundaParser()
    try:
        parser.add_bpmn_xml(root, filename=filename)
        process_ids = [
            p.get("id") for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"
        ]
        if not process_ids:
            raise DeploymentError([Problem(None, "The file has no executable process.")])
        return [_definition(parser, root, pid) for pid in process_ids]
    except ValidationException as error:
        element_id = getattr(error, "id", None) or None
        raise DeploymentError([Problem(element_id, _spiff_message(error))]) from None
    except RecursionError:
        raise DeploymentError([Problem(None, "The diagram's chains of elements are too long for the engine to "
                                             "read. Split it into smaller processes.")]) from None


def _spiff_message(error: ValidationException) -> str:
    message = str(error).splitlines()[0] if str(error) else "The diagram could not be parsed."
    return message[:500]


def _definition(parser: CamundaParser, root: etree._Element, process_id: str) -> ProcessDefinition:
    spec = parser.get_spec(process_id)
    subprocess_specs = parser.get_subprocess_specs(process_id)
    process = root.find(f"bpmn:process[@id='{process_id}']", NS)
    lanes = _lane_of_each_element(process)
    flows = {f.get("id"): _flow(f) for f in process.iterfind(".//bpmn:sequenceFlow", NS)}
    return ProcessDefinition(
        process_id=process_id,
        name=process.get("name") or process_id,
        spec=spec,
        subprocess_specs=MappingProxyType(dict(subprocess_specs)),
        user_tasks=MappingProxyType(
            {t.get("id"): _user_task(t, lanes) for t in process.iterfind(".//bpmn:userTask", NS)}
        ),
        start_form_key=_start_form_key(process),
        flows=MappingProxyType(flows),
        element_names=MappingProxyType(
            {e.get("id"): e.get("name") or e.get("id") for e in process.iter() if e.get("id")}
        ),
        flow_by_ends=MappingProxyType({(f.source, f.target): f.flow_id for f in flows.values()}),
        end_events=frozenset(e.get("id") for e in process.iterfind(".//bpmn:endEvent", NS)),
        final_end_event=_only(e.get("id") for e in process.iterfind("bpmn:endEvent", NS)),
        case_events=MappingProxyType(_case_events(process)),
        timers=MappingProxyType(_timers(process)),
        start_events=tuple(e.get("id") for e in process.iterfind("bpmn:startEvent", NS)),
        implicit_edges=tuple(_implicit_edges(process)),
        message_forms=MappingProxyType(_message_forms(root, process)),
        message_catchers=MappingProxyType(_message_catchers([spec, *subprocess_specs.values()])),
    )


def _message_catchers(specs: list[BpmnProcessSpec]) -> dict[str, frozenset[str]]:
    catchers: dict[str, set[str]] = {}
    for spec in specs:
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            for candidate in getattr(definition, "event_definitions", None) or [definition]:
                if task_spec.bpmn_id and isinstance(candidate, MessageEventDefinition):
                    catchers.setdefault(candidate.name, set()).add(task_spec.bpmn_id)
    return {name: frozenset(ids) for name, ids in catchers.items()}


def _message_forms(root: etree._Element, process: etree._Element) -> dict[str, str]:
    names = {m.get("id"): m.get("name") for m in root.iterfind("bpmn:message", NS)}
    forms = {}
    for definition in process.iterfind(".//bpmn:messageEventDefinition", NS):
        event = definition.getparent()
        key = _camunda_properties(event).get("formKey")
        name = names.get(definition.get("messageRef"))
        if key and name:
            forms[name] = key
    return forms


def _implicit_edges(process: etree._Element):
    for boundary in process.iterfind(".//bpmn:boundaryEvent", NS):
        yield boundary.get("attachedToRef"), boundary.get("id")
    for subprocess in process.iterfind(".//bpmn:subProcess", NS):
        for start in subprocess.iterfind("bpmn:startEvent", NS):
            yield subprocess.get("id"), start.get("id")
        for end in subprocess.iterfind("bpmn:endEvent", NS):
            yield end.get("id"), f"{subprocess.get('id')}#completed"


def _timers(process: etree._Element) -> dict[str, str]:
    """Each timer event's expression (timeDate, timeDuration or timeCycle), by element id."""
    timers = {}
    for definition in process.iterfind(".//bpmn:timerEventDefinition", NS):
        expression = next((child.text or "").strip() for child in definition if child.text) if len(definition) else ""
        timers[definition.getparent().get("id")] = expression
    return timers


def _case_events(process: etree._Element) -> dict[str, str]:
    """Elements whose completion updates the policy's records: ``camunda:property caseEvent``."""
    events = {}
    for element in process.iter():
        name = _camunda_properties(element).get("caseEvent") if element.get("id") else None
        if name:
            events[element.get("id")] = name
    return events


def _only(values) -> str | None:
    """The single top-level end event, which closes the case; its name says nothing about the outcome."""
    found = list(values)
    return found[0] if len(found) == 1 else None


def _lane_of_each_element(process: etree._Element) -> dict[str, str]:
    lanes: dict[str, str] = {}
    for lane in process.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = lane.get("name") or lane.get("id")
    return lanes


def _user_task(node: etree._Element, lanes: Mapping[str, str]) -> UserTaskDefinition:
    groups = node.get(f"{{{CAMUNDA_NS}}}candidateGroups") or ""
    documentation = node.find("bpmn:documentation", NS)
    return UserTaskDefinition(
        element_id=node.get("id"),
        name=node.get("name") or node.get("id"),
        lane=lanes.get(node.get("id")),
        form_key=node.get(f"{{{CAMUNDA_NS}}}formKey"),
        candidate_groups=tuple(g.strip() for g in groups.split(",") if g.strip()),
        assignee=node.get(f"{{{CAMUNDA_NS}}}assignee"),
        due_date=node.get(f"{{{CAMUNDA_NS}}}dueDate"),
        documentation=(documentation.text or "").strip() if documentation is not None else None,
        properties=MappingProxyType(_camunda_properties(node)),
    )


def _camunda_properties(node: etree._Element) -> dict[str, str]:
    path = "bpmn:extensionElements/camunda:properties/camunda:property"
    return {p.get("name"): p.get("value") or "" for p in node.iterfind(path, NS) if p.get("name")}


def _start_form_key(process: etree._Element) -> str | None:
    for start in process.iterfind("bpmn:startEvent", NS):
        if start.get(f"{{{CAMUNDA_NS}}}formKey"):
            return start.get(f"{{{CAMUNDA_NS}}}formKey")
    return None


def _flow(node: etree._Element) -> SequenceFlow:
    condition = node.find("bpmn:conditionExpression", NS)
    return SequenceFlow(
        flow_id=node.get("id"),
        source=node.get("sourceRef"),
        target=node.get("targetRef"),
        name=node.get("name"),
        condition=(condition.text or "").strip() if condition is not None else None,
    )


def form_references(root: etree._Element) -> dict[str, list[str]]:
    """Form key -> the names of the elements that use it (tasks and start events by ``camunda:formKey``,
    message catch events by a ``formKey`` property), read from the XML so that a draft that does not
    parse yet still shows which form belongs where."""
    uses: dict[str, list[str]] = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.get("id"):
            continue
        key = element.get(f"{{{CAMUNDA_NS}}}formKey") or _camunda_properties(element).get("formKey")
        if key:
            uses.setdefault(key, []).append(element.get("name") or element.get("id"))
    return uses
