from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from workflows.clock import FrozenClock
from workflows.definitions import ProcessDefinition, parse_definitions
from workflows.engine import CaseEngine

FIXTURES = Path(__file__).parent / "fixtures"


def load_fixture(name: str) -> ProcessDefinition:
    return parse_definitions((FIXTURES / name).read_bytes(), name)[0]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 1, 31, 10, 0, tzinfo=UTC))


@pytest.fixture
def engine(clock: FrozenClock) -> CaseEngine:
    return CaseEngine(clock)


class Runner:
    """Drives a workflow, optionally through a save/restore round trip before every step."""

    def __init__(self, engine: CaseEngine, definition: ProcessDefinition, round_trip: bool) -> None:
        self.engine = engine
        self.definition = definition
        self.round_trip = round_trip
        self.workflow = None
        self.flows: list[str] = []

    def _restored(self):
        if self.round_trip:
            state = orjson.loads(orjson.dumps(self.engine.dump(self.workflow)))
            self.workflow = self.engine.load(self.definition, state)
        return self.workflow

    def start(self, data: dict) -> None:
        self.workflow, step = self.engine.start(self.definition, data)
        self.flows += step.taken_flows

    def ready(self) -> list[str]:
        return [t.element_id for t in self.engine.ready_user_tasks(self._restored())]

    def complete(self, element_id: str, data: dict):
        workflow = self._restored()
        task = next(t for t in self.engine.ready_user_tasks(workflow) if t.element_id == element_id)
        step = self.engine.complete_task(workflow, task.id, data)
        self.flows += step.taken_flows
        return step

    def message(self, name: str, payload: dict):
        step = self.engine.deliver_message(self._restored(), name, payload)
        self.flows += step.taken_flows
        return step

    def fire(self):
        step = self.engine.fire_due_timers(self._restored())
        self.flows += step.taken_flows
        return step


@pytest.fixture(params=["straight", "round-trip"])
def runner_factory(request: pytest.FixtureRequest, engine: CaseEngine):
    return lambda definition: Runner(engine, definition, request.param == "round-trip")
