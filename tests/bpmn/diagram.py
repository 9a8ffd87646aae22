"""The policy diagram read as plain data, for tests that check its rules without running it."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lxml import etree

from workflows.carried_answers import SUFFIX, carried_fields
from workflows.definitions import CAMUNDA_NS, NS

ROOT = Path(__file__).resolve().parents[2]
FORMS_DIR = ROOT / "forms"
DIAGRAMS = sorted((ROOT / "bpmn").glob("*.bpmn"))
GATEWAYS = ("exclusiveGateway", "inclusiveGateway", "eventBasedGateway", "parallelGateway")


@dataclass
class Node:
    id: str
    kind: str
    name: str
    lane: str | None
    xml: etree._Element
    properties: dict[str, str] = field(default_factory=dict)

    def camunda(self, attribute: str) -> str | None:
        return self.xml.get(f"{{{CAMUNDA_NS}}}{attribute}")


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    name: str | None
    condition: str | None


class Diagram:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.root = etree.parse(str(path)).getroot()
        self.process = self.root.find("bpmn:process", NS)
        lanes = {
            (ref.text or "").strip(): lane.get("name")
            for lane in self.process.iterfind(".//bpmn:lane", NS)
            for ref in lane.iterfind("bpmn:flowNodeRef", NS)
        }
        self.nodes: dict[str, Node] = {}
        for xml in self.process:
            kind = etree.QName(xml).localname
            skipped = ("laneSet", "sequenceFlow", "documentation", "extensionElements")
            if kind in skipped or not isinstance(xml.tag, str):
                continue
            props = {
                p.get("name"): p.get("value")
                for p in xml.iterfind("bpmn:extensionElements/camunda:properties/camunda:property", NS)
            }
            self.nodes[xml.get("id")] = Node(
                xml.get("id"), kind, xml.get("name") or "", lanes.get(xml.get("id")), xml, props
            )
        self.flows: dict[str, Flow] = {}
        for xml in self.process.iterfind("bpmn:sequenceFlow", NS):
            condition = xml.find("bpmn:conditionExpression", NS)
            self.flows[xml.get("id")] = Flow(
                xml.get("id"),
                xml.get("sourceRef"),
                xml.get("targetRef"),
                xml.get("name"),
                condition.text.strip() if condition is not None else None,
            )

    def of_kind(self, *kinds: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind in kinds]

    def outgoing(self, node_id: str) -> list[Flow]:
        return [f for f in self.flows.values() if f.source == node_id]

    def form_key(self, node: Node) -> str | None:
        return node.camunda("formKey") or node.properties.get("formKey")

    @cached_property
    def forms(self) -> dict[str, dict]:
        keys = {self.form_key(n) for n in self.nodes.values()} - {None}
        return {
            key: json.loads((FORMS_DIR / f"{key}.json").read_text(encoding="utf-8"))
            for key in keys
            if (FORMS_DIR / f"{key}.json").exists()
        }

    # -- what sets each variable ------------------------------------------------------------------

    def required_fields(self, node: Node) -> set[str]:
        """Answers the node's form always gives, with the ``<field>_at_any_stage`` the service adds for
        each required carried-forward field (see ``workflows.carried_answers``)."""
        form = self.forms.get(self.form_key(node) or "")
        if not form or node.kind == "boundaryEvent":
            return set()
        required = set(form.get("required", []))
        return required | {name + SUFFIX for name in carried_fields(form["properties"]) if name in required}

    def script_assigns(self, node: Node, *, always: bool) -> set[str]:
        """Names a script task assigns; with ``always``, only those assigned on every run (top level)."""
        if node.kind != "scriptTask":
            return set()
        tree = ast.parse(node.xml.find("bpmn:script", NS).text)
        statements = tree.body if always else list(ast.walk(tree))
        return {t.id for s in statements if isinstance(s, ast.Assign) for t in s.targets if isinstance(t, ast.Name)}

    def sets_for_sure(self, node_id: str, variable: str) -> bool:
        node = self.nodes.get(node_id)
        if node is None:
            return False
        return variable in self.required_fields(node) or variable in self.script_assigns(node, always=True)

    def reachable_avoiding(self, target: str, variable: str) -> bool:
        """Is there a path from the start to ``target`` on which nothing sets ``variable`` for sure?

        A boundary event fires while its task is still open, so the task's form has not set anything
        on that path: the task is entered (``id@entry``) before it is completed.
        """
        edges: dict[str, list[str]] = {}
        for flow in self.flows.values():
            entry = f"{flow.target}@entry" if self._is_user_task(flow.target) else flow.target
            edges.setdefault(flow.source, []).append(entry)
        for node in self.nodes.values():
            if node.kind == "userTask":
                edges.setdefault(f"{node.id}@entry", []).append(node.id)
            if node.kind == "boundaryEvent":
                edges.setdefault(f"{node.xml.get('attachedToRef')}@entry", []).append(node.id)
        starts = [n.id for n in self.of_kind("startEvent")]
        seen, queue = set(starts), [s for s in starts if not self.sets_for_sure(s, variable)]
        while queue:
            current = queue.pop()
            if current == target:
                return True
            for following in edges.get(current, []):
                if following not in seen and not self.sets_for_sure(following, variable):
                    seen.add(following)
                    queue.append(following)
        return False

    def values_reaching(self, node_id: str, variable: str) -> list:
        """Every value ``variable`` can hold when the flow reaches ``node_id``: walk back to the
        nearest elements that set it for sure, collecting what each element on the way may set."""
        before: dict[str, list[str]] = {}
        for flow in self.flows.values():
            before.setdefault(flow.target, []).append(flow.source)
        for node in self.of_kind("boundaryEvent"):  # fires before its task completes
            before[node.id] = before.get(node.xml.get("attachedToRef"), [])
        values, seen, queue = [], set(), list(before.get(node_id, []))
        while queue:
            current = queue.pop()
            if current in seen:
                continue
            seen.add(current)
            values += self._values_set_by(self.nodes[current], variable)
            if not self.sets_for_sure(current, variable):
                queue += before.get(current, [])
        return list(dict.fromkeys(values))

    def _values_set_by(self, node: Node, variable: str) -> list:
        form = self.forms.get(self.form_key(node) or "") if node.kind != "boundaryEvent" else None
        if form and variable in form["properties"]:
            return choices(form["properties"][variable])
        if form and variable.removesuffix(SUFFIX) in carried_fields(form["properties"]):
            return [True, False]
        if node.kind != "scriptTask":
            return []
        return [
            s.value.value
            for s in ast.walk(ast.parse(node.xml.find("bpmn:script", NS).text))
            if isinstance(s, ast.Assign)
            and isinstance(s.value, ast.Constant)
            and any(isinstance(t, ast.Name) and t.id == variable for t in s.targets)
        ]

    def _is_user_task(self, node_id: str) -> bool:
        node = self.nodes.get(node_id)
        return node is not None and node.kind == "userTask"


def names_read(expression: str) -> set[str]:
    """Task-data names an expression reads (``x == 'a'``, ``x.get('y')`` reads ``x``)."""
    return {n.id for n in ast.walk(ast.parse(expression, mode="eval")) if isinstance(n, ast.Name)}


def choices(field_schema: dict) -> list:
    if field_schema.get("type") == "boolean":
        return [True, False]
    options = field_schema.get("oneOf") or field_schema.get("items", {}).get("oneOf") or []
    return [o["const"] for o in options]


def diagrams() -> Iterable[Diagram]:
    return [Diagram(path) for path in DIAGRAMS]
