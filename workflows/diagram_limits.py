"""Limits a diagram must keep before the engine's parser even sees it, each with a plain message.

Sizes that make every case expensive (thousands of elements: each start then builds and stores them
all), multi-instance counts and timer cycles that create work without end, and loops that never
wait for anyone. What the diagram computes at run time is bounded by the step budget instead
(``workflows.budget``); these catch what can be seen in the file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from lxml import etree

# (element id or None, message): definitions.py turns these into its Problems (it imports this module).
Problem = tuple[str | None, str]
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}

MAX_ELEMENTS = 3_000  # BPMN elements of every kind; the policy's own diagram has under 400
MAX_SUBPROCESS_DEPTH = 5
MAX_LITERAL_CARDINALITY = 200
MIN_CYCLE_SECONDS = 60
_BPMN = NS["bpmn"]
# Where a case rests until a person, a message or the clock moves it on.
_WAITS = frozenset({"userTask", "manualTask", "receiveTask", "intermediateCatchEvent", "eventBasedGateway",
                    "subProcess", "callActivity", "transaction", "adHocSubProcess"})
_DURATION = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
_SECONDS = (365 * 86400, 28 * 86400, 7 * 86400, 86400, 3600, 60, 1)


def limit_problems(root: etree._Element) -> list[Problem]:
    elements = sum(1 for e in root.iter() if isinstance(e.tag, str) and e.tag.startswith(f"{{{_BPMN}}}"))
    if elements > MAX_ELEMENTS:
        return [(None, f"The diagram has {elements:,} elements; at most {MAX_ELEMENTS:,} are allowed. "
                              "Split it into smaller processes.")]
    return [*_nesting(root), *_cardinalities(root), *_cycles(root), *_loops_without_waits(root)]


def _nesting(root: etree._Element) -> Iterator[Problem]:
    for sub in root.iterfind(".//bpmn:subProcess", NS):
        depth = sum(1 for a in sub.iterancestors() if a.tag == f"{{{_BPMN}}}subProcess") + 1
        if depth > MAX_SUBPROCESS_DEPTH:
            yield (sub.get("id"), f"Subprocesses are nested {depth} deep; at most {MAX_SUBPROCESS_DEPTH}.")
            return


def _literal(text: str | None):
    try:
        return ast.literal_eval((text or "").strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None  # an expression over task data: bounded at run time by the step budget


def _cardinalities(root: etree._Element) -> Iterator[Problem]:
    for node in root.iterfind(".//bpmn:loopCardinality", NS):
        count = _literal(node.text)
        if isinstance(count, int) and count > MAX_LITERAL_CARDINALITY:
            yield (_owner(node), f"The multi-instance count {count:,} is more than the "
                                 f"{MAX_LITERAL_CARDINALITY} allowed.")


def _cycles(root: etree._Element) -> Iterator[Problem]:
    for node in root.iterfind(".//bpmn:timeCycle", NS):
        cycle = _literal(node.text)
        if not isinstance(cycle, str):
            continue
        seconds = _interval_seconds(cycle)
        if seconds is not None and seconds < MIN_CYCLE_SECONDS:
            yield (_owner(node), f"The timer repeats every {seconds:g} seconds; a cycle must be at least "
                                 f"{MIN_CYCLE_SECONDS} seconds apart.")


def _interval_seconds(cycle: str) -> float | None:
    """The interval of an ISO 8601 repeating interval (``R5/PT1H``, ``R/2026-01-01T00:00Z/P1D``)."""
    parts = cycle.strip().upper().split("/")
    if not parts or not parts[0].startswith("R"):
        return None
    for part in parts[1:]:
        match = _DURATION.match(part)
        if match and part != "P":
            return sum(float(v) * s for v, s in zip(match.groups(), _SECONDS, strict=True) if v)
    return None


def _loops_without_waits(root: etree._Element) -> Iterator[Problem]:
    for scope in [*root.iterfind("bpmn:process", NS), *root.iterfind(".//bpmn:subProcess", NS)]:
        kinds = {c.get("id"): etree.QName(c).localname for c in scope if isinstance(c.tag, str) and c.get("id")}
        edges: dict[str, list[str]] = {}
        for flow in scope.iterfind("bpmn:sequenceFlow", NS):
            edges.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
        for component in _strongly_connected(edges):
            if not any(kinds.get(node) in _WAITS for node in component):
                first = sorted(component)[0]
                yield (first, "This loop has no task or event that waits, so it could run without end: "
                              "add a wait (a user task, a timer or a message) inside it.")


def _strongly_connected(edges: dict[str, list[str]]) -> Iterator[set[str]]:
    """Loops in the flow graph (Tarjan's algorithm, iteratively: a long chain must not recurse)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for start in list(edges):
        if start in index:
            continue
        work = [(start, iter(edges.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges.get(target, ()))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    yield component


def _owner(node: etree._Element) -> str | None:
    while node is not None and (node.get("id") is None or etree.QName(node).localname.endswith(
            ("EventDefinition", "LoopCharacteristics"))):
        node = node.getparent()
    return node.get("id") if node is not None else None
