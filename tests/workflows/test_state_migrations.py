"""Stored state carries its version and moves forward on load; states saved by earlier code keep loading.

The fixtures under fixtures/states/ were written by tests/workflows/state_fixtures.py at the state
version in their name, against the diagram saved beside them. They are never rewritten: each future
change of the state's version must keep every one of them loading and running.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.bpmn import samples
from tests.bpmn.conftest import FORMS_DIR
from workflows import clock as clocks
from workflows.calendar import london_date
from workflows.clock import FrozenClock
from workflows.definitions import parse_definitions
from workflows.engine import CaseEngine
from workflows.forms import load_form
from workflows.state_migrations import CURRENT, Migration, UnmigratableState, upgrade_state

STATES = Path(__file__).parent / "fixtures" / "states"
FIXTURES = sorted(STATES.glob("state-*.json"))

# What each saved stage does next, to show the loaded case still runs.
NEXT_STEP = {
    "started": ("Task_AssessIncident", lambda today: samples.assessment("severe")),
    "awaiting_approval": ("Task_ApproveProposal", lambda today: samples.approval("approve")),
    "appeal_received": ("Task_HearAppeal", lambda today: samples.appeal_decision("uphold")),
}


@pytest.fixture
def engine_at() -> Iterator:
    def make(instant: str) -> CaseEngine:
        return CaseEngine(FrozenClock(datetime.fromisoformat(instant)))

    yield make
    clocks.install(clocks.SystemClock())


def _fixture(path: Path) -> dict:
    return json.loads(path.read_text())


def _definition(fixture: dict):
    diagram = STATES / fixture["diagram"]
    return parse_definitions(diagram.read_bytes(), diagram.name)[0]


def test_there_are_fixtures_of_the_current_state_version() -> None:
    current = [p for p in FIXTURES if _fixture(p)["written_by"]["state_version"] == list(CURRENT)]
    assert len(current) >= 4, "write fixtures for the new state version: python -m tests.workflows.state_fixtures"


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_every_saved_state_loads_and_runs_on(path: Path, engine_at) -> None:
    fixture = _fixture(path)
    engine = engine_at(fixture["clock"])
    definition = _definition(fixture)
    workflow = engine.load(definition, fixture["state"])
    assert sorted(t.element_id for t in engine.ready_user_tasks(workflow)) == fixture["ready"]
    assert engine.waiting_elements(workflow) == fixture["waiting"]
    stage = path.stem.rsplit("-", 1)[1]
    if stage in NEXT_STEP:
        element_id, data = NEXT_STEP[stage]
        (task,) = [t for t in engine.ready_user_tasks(workflow) if t.element_id == element_id]
        today = london_date(datetime.fromisoformat(fixture["clock"]))
        cleaned, errors = load_form(FORMS_DIR, definition.user_tasks[element_id].form_key).validate(
            data(today), today=today)
        assert not errors
        step = engine.complete_task(workflow, task.id, cleaned)
        assert element_id in step.completed
    else:  # the restriction in force: its review timer fires when due
        assert engine.next_timer_due(workflow) is not None
    # And the state it saves now is at this code's version.
    saved = engine.dump(workflow)
    assert (saved["format"], saved["spiff"]) == CURRENT


def test_a_state_from_the_previous_spiffworkflow_serializer_is_upgraded(engine_at) -> None:
    fixture = _fixture(STATES / f"state-{CURRENT[0]}-{CURRENT[1]}-awaiting_approval.json")
    older = {**fixture["state"], "spiff": "1.4"}
    kept = copy.deepcopy(older)
    engine = engine_at(fixture["clock"])
    workflow = engine.load(_definition(fixture), older)
    assert [t.element_id for t in engine.ready_user_tasks(workflow)] == ["Task_ApproveProposal"]
    assert older == kept  # what the store handed over is never changed in place


@pytest.mark.parametrize("version", [(1, "9.9"), (2, CURRENT[1]), (None, None), (0, "1.5")])
def test_a_state_with_no_way_forward_is_refused_by_name(version) -> None:
    state = {"format": version[0], "spiff": version[1], "workflow": {}}
    with pytest.raises(UnmigratableState) as refused:
        upgrade_state(state)
    assert refused.value.version == version
    assert f"{version[0]}/{version[1]} cannot be brought to {CURRENT[0]}/{CURRENT[1]}" in str(refused.value)


def test_migrations_run_in_order_on_a_copy() -> None:
    ran = []

    def step(name):
        def upgrade(workflow):
            ran.append(name)
            workflow.setdefault("steps", []).append(name)
        return upgrade

    table = {
        (0, "a"): Migration((0, "b"), step("a->b"), "first"),
        (0, "b"): Migration(CURRENT, step("b->current"), "second"),
    }
    state = {"format": 0, "spiff": "a", "workflow": {"tasks": {}}}
    upgraded = upgrade_state(state, table)
    assert ran == ["a->b", "b->current"]
    assert upgraded["workflow"]["steps"] == ["a->b", "b->current"]
    assert (upgraded["format"], upgraded["spiff"]) == CURRENT
    assert state == {"format": 0, "spiff": "a", "workflow": {"tasks": {}}}


def test_a_loop_in_the_table_is_refused() -> None:
    table = {
        (0, "a"): Migration((0, "b"), lambda workflow: None, "there"),
        (0, "b"): Migration((0, "a"), lambda workflow: None, "and back"),
    }
    with pytest.raises(UnmigratableState):
        upgrade_state({"format": 0, "spiff": "a", "workflow": {}}, table)


def test_the_current_state_is_returned_as_it_is() -> None:
    state = {"format": CURRENT[0], "spiff": CURRENT[1], "workflow": {"tasks": {}}}
    assert upgrade_state(state) is state


def test_fixture_clock_is_utc() -> None:
    for path in FIXTURES:
        assert datetime.fromisoformat(_fixture(path)["clock"]).utcoffset() == UTC.utcoffset(None)
