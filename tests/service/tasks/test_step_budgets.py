"""Budgets on both databases: a step that does too much is rolled back, answers 422 and leaves an
incident; a timer that does too much, or keeps never finishing, is parked as an incident while the
other cases' timers keep firing; database waits are short."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select, text

from service.cases import incidents
from service.cases.cases import complete_task, start_case
from service.cases.errors import StepBudgetExceeded
from service.dao import tasks_dao
from service.models import Case, HumanTask
from service.tasks.timers import PARK_AFTER, _count_attempts, fire_due_batch
from tests.service.cases.test_incidents import EXPIRY, _events, _incidents, _instance, _intact, _restrict
from workflows.budget import BudgetExceeded

pytestmark = pytest.mark.usefixtures("clock_process")


@pytest.fixture
def clock_process(runtime):
    from tests.service.conftest import deploy_fixture

    deploy_fixture(runtime, "restriction_clock.bpmn")


def _open_task(runtime, reference: str) -> HumanTask:
    with runtime.db.reading() as session:
        return session.scalars(select(HumanTask).join(Case, Case.id == HumanTask.case_id)
                               .where(Case.reference == reference, HumanTask.status == "open")).one()


def test_a_step_over_budget_answers_422_saves_nothing_and_opens_an_incident(runtime, people):
    reference = start_case(runtime.casework, people["casey"], {"customer_reference": "C-1"},
                                            process_id="restriction_clock").reference
    task = _open_task(runtime, reference)
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=people["casey"].user_id, now=runtime.clock.now())
    before = _instance(runtime, reference)
    runtime.engine.budget = dataclasses.replace(runtime.engine.budget, max_steps=1)
    with pytest.raises(StepBudgetExceeded) as stopped:
        complete_task(runtime.casework, people["casey"], task.id, {"decision": "restrict", "letter_date": "2026-01-31"})
    assert stopped.value.status == 422
    assert "more than 1 engine tasks" in stopped.value.message and "Nothing was saved" in stopped.value.message
    after = _instance(runtime, reference)
    assert (after.state, after.status) == (before.state, "running")
    assert _open_task(runtime, reference).id == task.id  # the person's task is still theirs to submit
    [incident] = _incidents(runtime, reference)
    assert (incident.kind, incident.status) == ("step_budget", "open")
    assert "more than 1 engine tasks" in incident.message
    assert "incident_opened" in _events(runtime, reference) and "task_completed" not in _events(runtime, reference)

    runtime.engine.budget = dataclasses.replace(runtime.engine.budget, max_steps=2_000)
    incidents.retry_incident(runtime.casework, incident.id, people["adam"])  # closes it; nothing to re-arm
    complete_task(runtime.casework, people["casey"], task.id, {"decision": "restrict", "letter_date": "2026-01-31"})
    assert _instance(runtime, reference).next_timer_due is not None
    assert _intact(runtime)


def test_a_timer_over_budget_is_parked_while_other_cases_timers_fire(runtime, people, monkeypatch):
    stuck, other = _restrict(runtime, people, "C-1"), _restrict(runtime, people, "C-2")
    real = runtime.engine.fire_due_timers

    def over_budget(workflow):
        if any(t.data.get("customer_reference") == "C-1" for t in workflow.get_tasks()):
            raise BudgetExceeded("the step created more than 5000 tasks", "Event_Expiry")
        return real(workflow)

    monkeypatch.setattr(runtime.engine, "fire_due_timers", over_budget)
    runtime.clock.set(EXPIRY)
    result = fire_due_batch(runtime.casework)
    assert (result.fired, result.failed) == (1, 1)
    assert _instance(runtime, other).status == "completed"
    parked = _instance(runtime, stuck)
    assert parked.next_timer_due is None and parked.status == "running"
    [incident] = _incidents(runtime, stuck)
    assert (incident.kind, incident.element_id, incident.details["parked"]) == ("step_budget", "Event_Expiry", True)

    monkeypatch.undo()
    incidents.retry_incident(runtime.casework, incident.id, people["adam"])
    assert fire_due_batch(runtime.casework).fired == 1
    assert _instance(runtime, stuck).status == "completed"
    assert _intact(runtime)


def test_an_attempt_is_counted_before_the_timer_runs_and_unfinished_ones_park_it(runtime, people):
    started = runtime.clock.now()
    stuck = _restrict(runtime, people, "C-1")
    runtime.clock.set(EXPIRY)
    stuck_id = _instance(runtime, stuck).id
    for attempt in range(1, PARK_AFTER + 1):
        # What a worker killed mid-timer leaves behind: the attempt, committed, and nothing else.
        ids, parked = _count_attempts(runtime.casework, runtime.clock.now(), 50)
        assert ids == [stuck_id] and parked == 0
        assert _instance(runtime, stuck).timer_attempts == attempt
    runtime.clock.set(started)
    other = _restrict(runtime, people, "C-2")  # due at the same instant
    runtime.clock.set(EXPIRY)
    result = fire_due_batch(runtime.casework)
    assert result.failed == 1 and result.fired == 1  # parked, and the other case's timer fired
    assert _instance(runtime, other).status == "completed"
    parked = _instance(runtime, stuck)
    assert parked.next_timer_due is None and parked.status == "running"
    [incident] = _incidents(runtime, stuck)
    assert incident.kind == "timer" and "never finished" in incident.message

    incidents.retry_incident(runtime.casework, incident.id, people["adam"])
    assert _instance(runtime, stuck).timer_attempts == 0
    assert fire_due_batch(runtime.casework).fired == 1
    assert _intact(runtime)


def test_database_waits_are_short(runtime):
    with runtime.db.reading() as session:
        if runtime.db.is_postgres:
            assert session.execute(text("SHOW statement_timeout")).scalar() == "15s"
            assert session.execute(text("SHOW lock_timeout")).scalar() == "5s"
        else:
            assert session.execute(text("PRAGMA busy_timeout")).scalar() == 10_000

