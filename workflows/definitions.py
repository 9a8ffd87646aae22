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
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition

from workflows import timer_expressions
from workflows.called_processes import CalledLookup, CalledProcessError, add_called_processes
from workflows.camunda_expressions import translate_expressions
from workflows.decision_tables import add_decision_tables
from workflows.diagram_limits import limit_problems
from workflows.element_support import element_problems, pass_through
from workflows.external_tasks import (
    ExternalTaskDefinition,
    ProcessParser,
    external_task_definitions,
    external_task_problems,
)
from workflows.generated_forms import GeneratedFormError, generated_form, generated_key
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
    # camunda:priority (a whole number; Camunda's default is 50) and camunda:followUpDate (the same forms
    # as the due date): the inbox sorts and shows both.
    priority: str | None = None
    follow_up_date: str | None = None

    @property
    def priority_number(self) -> int:
        """Validated at deploy time to be a whole number from 0 to 1000."""
        text = (self.priority or "").strip()
        return int(text) if text.isdigit() else 50
    properties: Mapping[str, str] = field(default_factory=dict)
    candidate_users: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageDefinition:
    """A message a case can wait for, as a catch event names it.

    ``form_key`` (a ``formKey`` camunda:property on the catch event) is the form its payload is validated
    against; without one the message carries no payload. ``groups`` (a ``candidateGroups``
    camunda:property) says who may send it; empty when the catch event names none, and then the platform
    decides (anyone who works on tasks may send it).
    """

    name: str
    label: str
    form_key: str | None
    groups: tuple[str, ...]


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
    # Element id -> the external task a worker carries out there (camunda:type="external").
    external_tasks: Mapping[str, ExternalTaskDefinition] = field(default_factory=dict)
    messages: Mapping[str, MessageDefinition] = field(default_factory=dict)
    # Forms made from camunda:formData (or "mark as done") for user tasks without a formKey, by form key.
    generated_forms: Mapping[str, Mapping] = field(default_factory=dict)
    # The XML of deployed processes this file's call activities call, by process id, as parsed with it.
    called_sources: Mapping[str, str] = field(default_factory=dict)
    # Lane name -> the groups a lane's ``candidateGroups`` property names (a lane may name none: the
    # service then looks for a group called like the lane).
    lane_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Who may start a case: ``camunda:candidateStarterGroups`` / ``camunda:candidateStarterUsers``.
    starter_groups: tuple[str, ...] = ()
    starter_users: tuple[str, ...] = ()
    # The process's own ``camunda:properties`` (a case reference prefix, a retention class...).
    properties: Mapping[str, str] = field(default_factory=dict)
    # End event id -> its ``camunda:properties`` (what an outcome keeps, e.g. a retention period).
    end_event_properties: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def flow_between(self, source: str, target: str) -> str | None:
        return self.flow_by_ends.get((source, target))


def parse_definitions(content: bytes, filename: str = "diagram.bpmn", called: CalledLookup | None = None,
                      decisions: Mapping[str, bytes] | None = None) -> list[ProcessDefinition]:
    """Parse one BPMN file into a definition per executable process, or raise DeploymentError.

    ``called`` finds the deployed processes the file's call activities name but do not define;
    ``decisions`` are the DMN files (by file name) deployed with it, for its business rule tasks.
    """
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
    refused = element_problems(root) + translate_expressions(root) + [
        (element, message) for process in root.iterfind("bpmn:process", NS)
        for element, message in external_task_problems(process)
    ]
    if refused:
        raise DeploymentError([Problem(element_id, message) for element_id, message in refused])
    parser = ProcessParser()
    add_decision_tables(parser, decisions or {})
    try:
        parser.add_bpmn_xml(root, filename=filename)
        called_sources = add_called_processes(parser, root, called, parse_untrusted_xml)
        process_ids = [
            p.get("id") for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"
        ]
        if not process_ids:
            raise DeploymentError([Problem(None, "The file has no executable process.")])
        definitions = [_definition(parser, root, pid, called_sources) for pid in process_ids]
    except DeploymentError:
        raise
    except CalledProcessError as error:
        raise DeploymentError([Problem(element_id, message) for element_id, message in error.problems]) from None
    except ValidationException as error:
        element_id = getattr(error, "id", None) or None
        raise DeploymentError([Problem(element_id, _spiff_message(error))]) from None
    except RecursionError:
        raise DeploymentError([Problem(None, "The diagram's chains of elements are too long for the engine to "
                                             "read. Split it into smaller processes.")]) from None
    except Exception as error:  # any other parser failure is the file's problem, never a 500
        detail = str(error).splitlines()[0][:300] if str(error) else "no detail"
        raise DeploymentError([Problem(
            _failing_element(error), f"{filename} could not be parsed ({type(error).__name__}): {detail}",
        )]) from None
    translated: set[int] = set()
    problems = [p for d in definitions for p in translate_timers(d, translated)]
    if problems:
        raise DeploymentError(problems)
    return definitions


def timer_definitions(specs) -> list[tuple[str, object]]:
    """(element id, timer event definition) for every timer in ``specs``, including the parts of a
    multiple event."""
    found = []
    for spec in specs:
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            for candidate in getattr(definition, "event_definitions", None) or [definition]:
                if task_spec.bpmn_id and isinstance(candidate, TimerEventDefinition):
                    found.append((_timer_event_id(task_spec, candidate), candidate))
    return found


def _timer_event_id(task_spec, timer: TimerEventDefinition) -> str:
    # Behind an event-based gateway the timer belongs to the gateway's task; name the timer event
    # itself (SpiffWorkflow names the definition after the event's name, or its id) so a modeler can select it.
    for output in getattr(task_spec, "outputs", []):
        if timer.name in (output.bpmn_id, output.bpmn_name) and output.bpmn_id:
            return output.bpmn_id
    return task_spec.bpmn_id


def translate_timers(definition: ProcessDefinition, translated: set[int]) -> list[Problem]:
    """Rewrite each timer's expression into the checked sandbox form (see ``timer_expressions``).

    Done once, on the parsed spec of a deployed version; the stored XML keeps what the owner wrote.
    """
    problems = []
    for element_id, timer in timer_definitions([definition.spec, *definition.subprocess_specs.values()]):
        if id(timer) in translated:  # a subprocess spec shared by two processes of one file
            continue
        translated.add(id(timer))
        try:
            timer.expression = timer_expressions.translate(timer_expressions.kind_of(timer), timer.expression)
        except timer_expressions.TimerExpressionError as error:
            problems.append(Problem(element_id, str(error)))
    return problems


def _failing_element(error: Exception) -> str | None:
    node = getattr(error, "node", None)
    return getattr(error, "id", None) or (node.get("id") if node is not None and hasattr(node, "get") else None)


def _spiff_message(error: ValidationException) -> str:
    message = str(error).splitlines()[0] if str(error) else "The diagram could not be parsed."
    return message[:500]


def _definition(parser: ProcessParser, root: etree._Element, process_id: str,
                called_sources: Mapping[str, str]) -> ProcessDefinition:
    spec = parser.get_spec(process_id)
    subprocess_specs = parser.get_subprocess_specs(process_id)
    pass_through([spec, *subprocess_specs.values()])
    process = root.find(f"bpmn:process[@id='{process_id}']", NS)
    lanes = _lane_of_each_element(process)
    generated = _generated_forms(process)
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
        external_tasks=MappingProxyType(external_task_definitions(process)),
        messages=MappingProxyType(_messages(root, process)),
        generated_forms=MappingProxyType(generated),
        called_sources=MappingProxyType(dict(called_sources)),
        lane_groups=MappingProxyType(_lane_groups(process)),
        starter_groups=_names(process.get(f"{{{CAMUNDA_NS}}}candidateStarterGroups")),
        starter_users=_names(process.get(f"{{{CAMUNDA_NS}}}candidateStarterUsers")),
        properties=MappingProxyType(_camunda_properties(process)),
        end_event_properties=MappingProxyType({
            e.get("id"): MappingProxyType(_camunda_properties(e)) for e in process.iterfind(".//bpmn:endEvent", NS)
        }),
    )


def _names(value: str | None) -> tuple[str, ...]:
    """A comma-separated camunda attribute (groups, users) as a tuple, blanks dropped."""
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _lane_groups(process: etree._Element) -> dict[str, tuple[str, ...]]:
    found = {}
    for lane in process.iterfind(".//bpmn:lane", NS):
        named = _names(_camunda_properties(lane).get("candidateGroups"))
        if named:
            found[lane.get("name") or lane.get("id")] = named
    return found


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


def _generated_forms(process: etree._Element) -> dict[str, dict]:
    forms = {}
    for task in process.iterfind(".//bpmn:userTask", NS):
        if task.get(f"{{{CAMUNDA_NS}}}formKey"):
            continue
        try:
            forms[generated_key(task.get("id"))] = generated_form(task)
        except GeneratedFormError as error:
            raise DeploymentError([Problem(task.get("id"), str(error))]) from None
    return forms


def _messages(root: etree._Element, process: etree._Element) -> dict[str, MessageDefinition]:
    names = {m.get("id"): m.get("name") for m in root.iterfind("bpmn:message", NS)}
    messages: dict[str, MessageDefinition] = {}
    for definition in process.iterfind(".//bpmn:messageEventDefinition", NS):
        event = definition.getparent()
        name = names.get(definition.get("messageRef"))
        if not name or etree.QName(event).localname not in ("intermediateCatchEvent", "boundaryEvent"):
            continue
        properties = _camunda_properties(event)
        groups = tuple(g.strip() for g in properties.get("candidateGroups", "").split(",") if g.strip())
        known = messages.get(name)
        messages[name] = MessageDefinition(
            name, (known.label if known else None) or event.get("name") or name,
            (known.form_key if known else None) or properties.get("formKey") or None,
            (known.groups if known else ()) or groups,
        )
    return messages


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
        expression = next(((child.text or "").strip() for child in definition if child.text), "")
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
    documentation = node.find("bpmn:documentation", NS)
    return UserTaskDefinition(
        element_id=node.get("id"),
        name=node.get("name") or node.get("id"),
        lane=lanes.get(node.get("id")),
        form_key=node.get(f"{{{CAMUNDA_NS}}}formKey") or generated_key(node.get("id")),
        candidate_groups=_names(node.get(f"{{{CAMUNDA_NS}}}candidateGroups")),
        assignee=node.get(f"{{{CAMUNDA_NS}}}assignee"),
        due_date=node.get(f"{{{CAMUNDA_NS}}}dueDate"),
        priority=node.get(f"{{{CAMUNDA_NS}}}priority"),
        follow_up_date=node.get(f"{{{CAMUNDA_NS}}}followUpDate"),
        documentation=(documentation.text or "").strip() if documentation is not None else None,
        properties=MappingProxyType(_camunda_properties(node)),
        candidate_users=_names(node.get(f"{{{CAMUNDA_NS}}}candidateUsers")),
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
