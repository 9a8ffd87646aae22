"""Drives the policy diagram through the engine, and checks every sequence flow was taken.

Each scenario runs twice: straight through, and with a save/restore round trip before every step
(as the service does between requests). Every answer goes through the form's validator first, so
the scenarios also prove the forms and the diagram agree.

The flows each scenario takes feed the path-coverage report (``path_coverage.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.bpmn import path_coverage, samples
from workflows import clock as clocks
from workflows.calendar import london_date
from workflows.carried_answers import carry_forward, earlier_answers
from workflows.clock import FrozenClock
from workflows.definitions import ProcessDefinition, parse_definitions
from workflows.engine import CaseEngine, StepResult
from workflows.forms import load_form

ROOT = Path(__file__).resolve().parents[2]
BPMN_DIR = ROOT / "bpmn"
FORMS_DIR = ROOT / "forms"
DIAGRAM = BPMN_DIR / "unacceptable_behaviour.bpmn"


def pytest_configure(config: pytest.Config) -> None:
    # tests/conftest.py may already load the plugin (needed under xdist, where the controller
    # never reads this file); otherwise load it here.
    if not config.pluginmanager.has_plugin(path_coverage.__name__):
        config.pluginmanager.register(path_coverage, path_coverage.__name__)


@pytest.fixture(scope="session")
def definition() -> ProcessDefinition:
    return parse_definitions(DIAGRAM.read_bytes(), DIAGRAM.name)[0]


class Case:
    """One case of the policy process, driven the way staff and the service would drive it."""

    def __init__(self, engine: CaseEngine, definition: ProcessDefinition, clock: FrozenClock, round_trip: bool):
        self.engine = engine
        self.definition = definition
        self.clock = clock
        self.round_trip = round_trip
        self.workflow = None
        self.flows: list[str] = []
        self.completed: list[str] = []

    # -- steps -------------------------------------------------------------------------------------

    def start(self, **changes: Any) -> StepResult:
        changes.setdefault("occurred_at", f"{self.today()}T08:05")
        data = self._validated(self.definition.start_form_key, samples.incident(**changes), {})
        self.workflow, step = self.engine.start(self.definition, data)
        return self._record(step)

    def complete(self, element_id: str, data: dict[str, Any]) -> StepResult:
        workflow = self._restored()
        matches = [t for t in self.engine.ready_user_tasks(workflow) if t.element_id == element_id]
        assert len(matches) == 1, f"{element_id} is not ready; ready: {self.ready()}"
        cleaned = self._validated(self.definition.user_tasks[element_id].form_key, data, matches[0].data)
        return self._record(self.engine.complete_task(workflow, matches[0].id, cleaned))

    def appeal(self, **changes: Any) -> StepResult:
        data = self._validated("appeal_received", samples.appeal_received(self.today(), **changes), {})
        return self._record(self.engine.deliver_message(self._restored(), "appeal_received", data))

    def fire(self) -> StepResult:
        return self._record(self.engine.fire_due_timers(self._restored()))

    def set_time(self, instant: datetime) -> StepResult:
        """Move the clock and let any timer that is now due fire, as the worker would."""
        self.clock.set(instant)
        return self.fire()

    # -- what the case looks like ------------------------------------------------------------------

    def ready(self) -> list[str]:
        return sorted(t.element_id for t in self.engine.ready_user_tasks(self._restored()))

    def task_data(self, element_id: str) -> dict[str, Any]:
        task = next(t for t in self.engine.ready_user_tasks(self._restored()) if t.element_id == element_id)
        return dict(task.data)

    def waiting(self) -> list[str]:
        return self.engine.waiting_elements(self._restored())

    def next_timer(self) -> datetime | None:
        return self.engine.next_timer_due(self._restored())

    @property
    def finished(self) -> bool:
        return self.engine.is_finished(self._restored())

    def today(self) -> str:
        return london_date(self.clock.now()).isoformat()

    # -- internals ---------------------------------------------------------------------------------

    def _validated(self, form_key: str | None, data: dict[str, Any],
                   so_far: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The answers as the service passes them on: checked, with carried-forward answers added
        (``so_far``: the case's data when the step is taken)."""
        assert form_key, "every step of the policy has a form"
        form = load_form(FORMS_DIR, form_key)
        cleaned, errors = form.validate(data, today=london_date(self.clock.now()))
        assert not errors, f"sample data for {form_key} does not pass its form: {errors}"
        cleaned, problems = carry_forward(form.fields, cleaned, earlier_answers([so_far or {}]))
        assert not problems, f"sample data for {form_key} drops an earlier answer: {problems}"
        return cleaned

    def _restored(self):
        if self.round_trip and self.workflow is not None:
            state = orjson.loads(orjson.dumps(self.engine.dump(self.workflow)))
            self.workflow = self.engine.load(self.definition, state)
        return self.workflow

    def _record(self, step: StepResult) -> StepResult:
        self.flows += step.taken_flows
        self.completed += step.completed
        return step


@pytest.fixture(params=["straight", "round-trip"])
def new_case(request: pytest.FixtureRequest, definition: ProcessDefinition) -> Iterator:
    """``new_case(at=datetime)``: a case whose clock starts at ``at``."""
    cases: list[Case] = []

    def make(at: datetime = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)) -> Case:
        clock = FrozenClock(at)
        case = Case(CaseEngine(clock), definition, clock, request.param == "round-trip")
        cases.append(case)
        return case

    yield make
    clocks.install(clocks.SystemClock())  # the engine installs its clock process-wide
    path_coverage.record(request.config, [flow for case in cases for flow in case.flows])
