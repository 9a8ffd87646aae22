"""What changed between two versions of a BPMN file: elements added, removed and changed.

Elements are matched by id. Each element is read as a set of named facts (its type, name,
attributes such as the Camunda form key and candidate groups, its condition, timer, script,
documentation, ``camunda:property`` values and the lane it sits in), and a changed element lists
the facts that differ. Layout (the diagram interchange) is not a change.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from workflows.definitions import BPMN_NS, CAMUNDA_NS, NS
from workflows.xml_safety import parse_untrusted_xml

# Containers and parts that are read as facts of the element they belong to, never on their own.
_NOT_ELEMENTS = frozenset({
    "definitions", "laneSet", "extensionElements", "documentation", "conditionExpression", "script",
    "incoming", "outgoing", "flowNodeRef", "timeDate", "timeDuration", "timeCycle",
})
_PREFIXES = {BPMN_NS: "", CAMUNDA_NS: "camunda:"}
_LABELS = {
    "type": "type",
    "name": "name",
    "camunda:formKey": "form",
    "camunda:candidateGroups": "candidate groups",
    "camunda:candidateUsers": "candidate users",
    "camunda:assignee": "assignee",
    "camunda:dueDate": "due date",
    "sourceRef": "from",
    "targetRef": "to",
    "attachedToRef": "attached to",
}


@dataclass(frozen=True)
class FactChange:
    label: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ElementChange:
    element_id: str
    kind: str
    name: str
    facts: tuple[FactChange, ...] = ()


@dataclass(frozen=True)
class VersionDiff:
    added: tuple[ElementChange, ...]
    removed: tuple[ElementChange, ...]
    changed: tuple[ElementChange, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def overlay(self, side: str) -> dict[str, list[str]]:
        """Marker ids for the viewer: the old diagram shows what went, the new one what came."""
        changed = [c.element_id for c in self.changed]
        if side == "from":
            return {"added": [], "removed": [c.element_id for c in self.removed], "changed": changed}
        return {"added": [c.element_id for c in self.added], "removed": [], "changed": changed}


def diff_versions(old_xml: bytes, new_xml: bytes) -> VersionDiff:
    old = element_facts(parse_untrusted_xml(old_xml))
    new = element_facts(parse_untrusted_xml(new_xml))
    added = tuple(_entry(i, new[i]) for i in new if i not in old)
    removed = tuple(_entry(i, old[i]) for i in old if i not in new)
    changed = []
    for element_id in (i for i in new if i in old and new[i] != old[i]):
        before, after = old[element_id], new[element_id]
        facts = tuple(
            FactChange(_label(key), before.get(key), after.get(key))
            for key in sorted(before.keys() | after.keys(), key=_fact_order)
            if before.get(key) != after.get(key)
        )
        changed.append(_entry(element_id, after, facts))
    return VersionDiff(added, removed, tuple(changed))


def element_facts(root: etree._Element) -> dict[str, dict[str, str]]:
    """Every BPMN element with an id, in document order, as {fact: value}."""
    lanes = {
        (ref.text or "").strip(): lane.get("name") or lane.get("id")
        for lane in root.iterfind(".//bpmn:lane", NS)
        for ref in lane.iterfind("bpmn:flowNodeRef", NS)
    }
    elements: dict[str, dict[str, str]] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or not node.get("id"):
            continue
        name = etree.QName(node)
        if name.namespace != BPMN_NS or name.localname in _NOT_ELEMENTS or name.localname.endswith("EventDefinition"):
            continue
        facts = _facts(node)
        if node.get("id") in lanes:
            facts["lane"] = lanes[node.get("id")]
        elements[node.get("id")] = facts
    return elements


def _facts(node: etree._Element) -> dict[str, str]:
    facts = {"type": etree.QName(node).localname}
    facts.update(_attributes(node, ""))
    for child in node:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local == "documentation":
            facts["documentation"] = _text(child)
        elif local == "conditionExpression":
            facts["condition"] = _text(child)
        elif local == "script":
            facts["script"] = _text(child)
        elif local.endswith("EventDefinition"):
            facts.update(_event_definition(child))
        elif local == "extensionElements":
            facts.update(_extensions(child))
    return facts


def _event_definition(node: etree._Element) -> dict[str, str]:
    kind = etree.QName(node).localname.removesuffix("EventDefinition")
    prefix = f"{kind} event"
    facts = {prefix: kind}
    facts.update(_attributes(node, f"{prefix} "))
    for child in node:
        if isinstance(child.tag, str):
            facts[f"{prefix} {etree.QName(child).localname}"] = _text(child)
    return facts


def _extensions(node: etree._Element) -> dict[str, str]:
    facts = {}
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == f"{{{CAMUNDA_NS}}}properties":
            for prop in child.iterfind("camunda:property", NS):
                facts[f"property {prop.get('name')}"] = prop.get("value") or ""
        else:
            facts[f"extension {_prefixed(child.tag)}"] = " ".join(
                etree.tostring(child, encoding="unicode", with_tail=False).split()
            )
    return facts


def _attributes(node: etree._Element, prefix: str) -> dict[str, str]:
    return {f"{prefix}{_prefixed(key)}": value for key, value in node.attrib.items() if key != "id"}


def _prefixed(tag: str) -> str:
    name = etree.QName(tag)
    if name.namespace is None:
        return name.localname
    return f"{_PREFIXES.get(name.namespace, '{' + name.namespace + '}')}{name.localname}"


def _text(node: etree._Element) -> str:
    return (node.text or "").strip()


def _label(key: str) -> str:
    return _LABELS.get(key, key.removeprefix("camunda:"))


def _fact_order(key: str) -> tuple[int, str]:
    order = list(_LABELS)
    return (order.index(key), key) if key in order else (len(order), key)


def _entry(element_id: str, facts: dict[str, str], changes: tuple[FactChange, ...] = ()) -> ElementChange:
    return ElementChange(element_id, facts["type"], facts.get("name") or element_id, changes)
