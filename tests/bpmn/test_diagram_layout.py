"""The diagrams are for people too: complete BPMN DI, nothing overlapping, lines that go where
they say. Process owners open these files in the browser modeler and in Camunda Modeler."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from tests.bpmn.diagram import Diagram, diagrams

DI = {
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
SIZES = {"task": (100, 80), "gateway": (50, 50), "event": (36, 36)}


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and other.x + other.w <= self.x + self.w
            and self.y <= other.y
            and other.y + other.h <= self.y + self.h
        )

    def crossed_by(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Does the axis-aligned segment a-b pass through the inside of this box?"""
        (x1, y1), (x2, y2) = sorted([a, b])
        inside_x = self.x + 1 < max(x1, x2) and min(x1, x2) < self.x + self.w - 1
        inside_y = self.y + 1 < max(y1, y2) and min(y1, y2) < self.y + self.h - 1
        return inside_x and inside_y


def _box(parent) -> Box:
    b = parent.find("dc:Bounds", DI)
    return Box(*(float(b.get(k)) for k in ("x", "y", "width", "height")))


def _kind(tag: str) -> str:
    return "gateway" if tag.endswith("Gateway") else "event" if tag.endswith("Event") else "task"


class Layout:
    def __init__(self, diagram: Diagram) -> None:
        self.diagram = diagram
        plane = diagram.root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", DI)
        self.shapes = {s.get("bpmnElement"): s for s in plane.iterfind("bpmndi:BPMNShape", DI)}
        self.edges = {e.get("bpmnElement"): e for e in plane.iterfind("bpmndi:BPMNEdge", DI)}
        self.boxes = {i: _box(self.shapes[i]) for i in diagram.nodes if i in self.shapes}

    def waypoints(self, flow_id: str) -> list[tuple[float, float]]:
        return [(float(w.get("x")), float(w.get("y"))) for w in self.edges[flow_id].iterfind("di:waypoint", DI)]

    def label(self, element_id: str) -> Box | None:
        node = self.shapes.get(element_id)
        node = node if node is not None else self.edges.get(element_id)
        label = node.find("bpmndi:BPMNLabel", DI)
        return _box(label) if label is not None and label.find("dc:Bounds", DI) is not None else None


LAYOUTS = [Layout(d) for d in diagrams()]


@pytest.fixture(params=LAYOUTS, ids=lambda layout: layout.diagram.path.name)
def layout(request) -> Layout:
    return request.param


def test_every_element_and_flow_is_drawn_exactly_once(layout):
    lanes = {lane.get("id") for lane in layout.diagram.process.iterfind(".//{*}lane")}
    assert set(layout.shapes) >= set(layout.diagram.nodes) | lanes
    assert set(layout.edges) == set(layout.diagram.flows)
    plane = layout.diagram.root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", DI)
    drawn = [e.get("bpmnElement") for e in plane]
    assert len(drawn) == len(set(drawn))


def test_shapes_have_standard_sizes_sit_in_their_lane_and_do_not_overlap(layout):
    lanes = {
        lane.get("name"): _box(layout.shapes[lane.get("id")]) for lane in layout.diagram.process.iterfind(".//{*}lane")
    }
    for element_id, box in layout.boxes.items():
        node = layout.diagram.nodes[element_id]
        width, height = SIZES[_kind(node.kind)]
        assert box.w >= width and box.h == height, f"{element_id} is {box.w}x{box.h}"
        assert lanes[node.lane].contains(box), f"{element_id} is drawn outside the {node.lane} lane"
    for (a, box_a), (b, box_b) in itertools.combinations(layout.boxes.items(), 2):
        attached = {layout.diagram.nodes[a].xml.get("attachedToRef"), layout.diagram.nodes[b].xml.get("attachedToRef")}
        if a in attached or b in attached:
            continue
        assert not box_a.overlaps(box_b), f"{a} overlaps {b}"


def test_boundary_events_sit_on_the_edge_of_their_task(layout):
    for node in layout.diagram.of_kind("boundaryEvent"):
        event, task = layout.boxes[node.id], layout.boxes[node.xml.get("attachedToRef")]
        centre = (event.x + event.w / 2, event.y + event.h / 2)
        on_edge = centre[1] in (task.y, task.y + task.h) or centre[0] in (task.x, task.x + task.w)
        assert on_edge, f"{node.id} is not on the edge of its task"


def _on_outline(box: Box, point: tuple[float, float], kind: str) -> bool:
    cx, cy, (x, y) = box.x + box.w / 2, box.y + box.h / 2, point
    if kind == "gateway":
        return abs(abs(x - cx) + abs(y - cy) - box.w / 2) <= 1
    if kind == "event":
        return abs(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 - box.w / 2) <= 1
    on_side = abs(x - box.x) <= 1 or abs(x - box.x - box.w) <= 1
    on_top = abs(y - box.y) <= 1 or abs(y - box.y - box.h) <= 1
    return (on_side and box.y <= y <= box.y + box.h) or (on_top and box.x <= x <= box.x + box.w)


def test_flows_leave_and_enter_their_shapes_and_run_straight(layout):
    for flow in layout.diagram.flows.values():
        points = layout.waypoints(flow.id)
        assert len(points) >= 2, flow.id
        for end, element_id in ((points[0], flow.source), (points[-1], flow.target)):
            kind = _kind(layout.diagram.nodes[element_id].kind)
            assert _on_outline(layout.boxes[element_id], end, kind), f"{flow.id} does not touch {element_id}"
        for a, b in itertools.pairwise(points):
            assert a[0] == b[0] or a[1] == b[1], f"{flow.id} has a slanted segment {a}-{b}"


def test_flows_do_not_run_through_shapes_or_along_each_other(layout):
    segments = {f: list(itertools.pairwise(layout.waypoints(f))) for f in layout.diagram.flows}
    for flow_id, flow in layout.diagram.flows.items():
        for element_id, box in layout.boxes.items():
            if element_id in (flow.source, flow.target):
                continue
            for a, b in segments[flow_id]:
                assert not box.crossed_by(a, b), f"{flow_id} runs through {element_id}"
    for (f, segs_f), (g, segs_g) in itertools.combinations(segments.items(), 2):
        for (a, b), (c, d) in itertools.product(segs_f, segs_g):
            assert not _collinear_overlap(a, b, c, d), f"{f} and {g} run along each other"


def _collinear_overlap(a, b, c, d) -> bool:
    for axis in (0, 1):
        other = 1 - axis
        if a[axis] == b[axis] == c[axis] == d[axis]:
            low = max(min(a[other], b[other]), min(c[other], d[other]))
            high = min(max(a[other], b[other]), max(c[other], d[other]))
            return high - low > 1
    return False


def test_labels_are_readable_clear_of_shapes_and_of_each_other(layout):
    labels = {}
    for element_id in [*layout.diagram.nodes, *layout.diagram.flows]:
        named = (layout.diagram.nodes.get(element_id) or layout.diagram.flows[element_id]).name
        box = layout.label(element_id)
        kind = layout.diagram.nodes[element_id].kind if element_id in layout.diagram.nodes else "flow"
        if named and (kind.endswith("Gateway") or kind.endswith("Event") or kind == "flow"):
            assert box is not None, f"{element_id} has a name but no label position"
            labels[element_id] = box
    for element_id, box in labels.items():
        for other, shape in layout.boxes.items():
            assert not box.overlaps(shape), f"the label of {element_id} covers {other}"
    for (a, box_a), (b, box_b) in itertools.combinations(labels.items(), 2):
        assert not box_a.overlaps(box_b), f"the labels of {a} and {b} overlap"


def test_the_case_reads_left_to_right(layout):
    xs = {i: box.x for i, box in layout.boxes.items()}
    starts = [n.id for n in layout.diagram.of_kind("startEvent")]
    ends = [n.id for n in layout.diagram.of_kind("endEvent")]
    assert max(xs[s] for s in starts) == min(xs.values())
    assert min(xs[e] for e in ends) == max(xs.values())
    forward = [f for f in layout.diagram.flows.values() if xs[f.target] >= xs[f.source]]
    assert len(forward) / len(layout.diagram.flows) > 0.85, "most flows should run left to right"


def test_it_is_a_collaboration_with_one_pool(layout):
    participants = layout.diagram.root.findall("{*}collaboration/{*}participant")
    assert [p.get("processRef") for p in participants] == [layout.diagram.process.get("id")]
    assert etree.QName(layout.diagram.root).localname == "definitions"


def test_the_diagrams_import_into_the_modeler_without_warnings():
    """bpmn-moddle with the Camunda extension, DI completeness and bpmnlint (see check_import.mjs)."""
    root = Path(__file__).resolve().parents[2]
    node = shutil.which("node")
    if node is None or not (root / "node_modules" / "bpmn-moddle").is_dir():
        pytest.skip("node and the front-end packages (npm ci) are needed for this check")
    files = [str(d.path) for d in diagrams()]
    result = subprocess.run(
        [node, str(Path(__file__).with_name("check_import.mjs")), *files],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
    )
    assert result.returncode == 0, result.stdout + result.stderr
