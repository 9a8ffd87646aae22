"""Durable timers on both databases, by time travel: exact, exactly once, failures kept and retried."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from service.cases import cases as cases_module
from service.cases.cases import complete_task, deliver_message, start_case
from service.cases.errors import Conflict
from service.dao import audit_dao, instances_dao, tasks_dao
from service.dao.instances_dao import StaleInstance
from service.history.audit_verify import verify_all
from service.models import Case, HumanTask, ProcessInstance
from service.tasks.timers import fire_due_batch, retry_delay, retry_now
from tests.service.conftest import FIXTURES, deploy_fixture
from workflows.calendar import LONDON
from workflows.engine import StepResult

SECOND = timedelta(seconds=1)


def _open_task(runtime, reference: str) -> HumanTask:
    with runtime.db.reading() as session:
        return session.scalars(
            select(HumanTask).join(Case, Case.id == HumanTask.case_id)
            .where(Case.reference == reference, HumanTask.status == "open")
        ).one()


def _complete(runtime, actor, reference: str, data: dict) -> None:
    task = _open_task(runtime, reference)
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=actor.user_id, now=runtime.clock.now())
    complete_task(runtime.casework, actor, task.id, data)


def _start(runtime, people, customer: str = "C-1") -> str:
    return start_case(runtime.casework, people["casey"], {"customer_reference": customer},
                                       process_id="restriction_clock").reference


def _restrict(runtime, people, letter_date: str, customer: str = "C-1") -> str:
    reference = _start(runtime, people, customer)
    _complete(runtime, people["casey"], reference, {"decision": "restrict", "letter_date": letter_date})
    return reference


def _instance(runtime, reference: str) -> ProcessInstance:
    with runtime.db.reading() as session:
        return session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == reference)).one()


def _event_types(runtime, reference: str) -> list[str]:
    with runtime.db.reading() as session:
        return [e.event_type for e in audit_dao.list_events(session, _instance(runtime, reference).id)]


def _chains_intact(runtime) -> bool:
    with runtime.db.reading() as session:
        return verify_all(session).intact


def _london_midnight(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def clock_process(runtime):
    deploy_fixture(runtime, "restriction_clock.bpmn")


def test_expiry_fires_exactly_at_the_end_date_and_only_once(runtime, people, clock_process):
    reference = _restrict(runtime, people, "2026-01-31")
    due = _london_midnight(2027, 1, 31)
    assert _instance(runtime, reference).next_timer_due == due

    runtime.clock.set(due - SECOND)
    assert fire_due_batch(runtime.casework).claimed == 0
    runtime.clock.set(due)
    assert fire_due_batch(runtime.casework).fired == 1
    runtime.clock.advance(days=3)
    assert fire_due_batch(runtime.casework).claimed == 0

    instance = _instance(runtime, reference)
    assert instance.status == "completed" and instance.next_timer_due is None
    assert _event_types(runtime, reference).count("timer_fired") == 1
    with runtime.db.reading() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
    assert case.status == "closed" and case.outcome == "Restriction ended"
    assert _chains_intact(runtime)


@pytest.mark.parametrize(("letter_date", "ends"), [
    ("2026-01-31", (2027, 1, 31)),
    ("2028-02-29", (2029, 2, 28)),
    ("2026-06-15", (2027, 6, 15)),  # British Summer Time: midnight in London is 23:00 UTC the day before
])
def test_restrictions_end_twelve_calendar_months_after_the_letter_at_midnight_in_london(
    runtime, people, clock_process, letter_date, ends
):
    runtime.clock.set(datetime.fromisoformat(letter_date).replace(hour=12, tzinfo=UTC))
    reference = _restrict(runtime, people, letter_date)
    due = _london_midnight(*ends)
    assert _instance(runtime, reference).next_timer_due == due

    runtime.clock.set(due - timedelta(microseconds=1))
    assert fire_due_batch(runtime.casework).claimed == 0
    runtime.clock.set(due)
    assert fire_due_batch(runtime.casework).fired == 1
    assert _instance(runtime, reference).status == "completed"


def test_next_timer_due_is_kept_right_after_every_step_and_an_appeal_does_not_restart_the_clock(
    runtime, people, clock_process
):
    reference = _start(runtime, people)
    assert _instance(runtime, reference).next_timer_due is None  # waiting for a person, not a timer
    _complete(runtime, people["casey"], reference, {"decision": "restrict", "letter_date": "2026-02-27"})
    ends = _london_midnight(2027, 2, 27)
    assert _instance(runtime, reference).next_timer_due == ends

    runtime.clock.set(datetime(2026, 9, 1, 10, tzinfo=UTC))
    deliver_message(runtime.casework, people["casey"], reference, "appeal_received", {})
    instance = _instance(runtime, reference)
    assert instance.next_timer_due is None and instance.waiting_elements == ["Task_Hear"]
    _complete(runtime, people["hana"], reference, {"decision": "restrict", "letter_date": "2026-02-27"})
    assert _instance(runtime, reference).next_timer_due is None
    # Upheld on appeal: the restriction runs on from the original letter, it does not start again.
    _complete(runtime, people["casey"], reference, {"decision": "restrict", "letter_date": "2026-02-27"})
    assert _instance(runtime, reference).next_timer_due == ends

    runtime.clock.set(ends - SECOND)
    assert fire_due_batch(runtime.casework).claimed == 0
    runtime.clock.set(ends)
    assert fire_due_batch(runtime.casework).fired == 1
    assert _instance(runtime, reference).status == "completed"
    assert _event_types(runtime, reference).count("timer_fired") == 1


def test_a_failing_timer_is_recorded_on_its_case_retried_with_back_off_and_never_dropped(
    runtime, people, clock_process, monkeypatch
):
    failing = _restrict(runtime, people, "2026-01-31", customer="C-1")
    healthy = _restrict(runtime, people, "2026-01-31", customer="C-2")
    real_save_step = cases_module.save_step

    def save_then_fail(ctx, *args, **kwargs):
        opened = real_save_step(ctx, *args, **kwargs)  # writes first, so the savepoint must undo them
        if ctx.instance.business_key == failing:
            raise RuntimeError("the letter service is down")
        return opened

    monkeypatch.setattr(cases_module, "save_step", save_then_fail)
    due = _london_midnight(2027, 1, 31)
    runtime.clock.set(due)
    result = fire_due_batch(runtime.casework)
    assert (result.fired, result.failed) == (1, 1)
    assert _instance(runtime, healthy).status == "completed"
    # The batch first ran without savepoints, failed, was rolled back and ran again with them: the
    # healthy case fired once, not once per attempt.
    assert _event_types(runtime, healthy).count("timer_fired") == 1

    instance = _instance(runtime, failing)
    assert instance.status == "running"
    assert instance.timer_attempts == 1 and "the letter service is down" in instance.timer_error
    assert instance.next_timer_due == due + retry_delay(1)
    assert _event_types(runtime, failing)[-2:] == ["timer_failed", "incident_opened"]
    assert "timer_fired" not in _event_types(runtime, failing)

    assert fire_due_batch(runtime.casework).claimed == 0  # backing off
    runtime.clock.set(due + retry_delay(1))
    assert fire_due_batch(runtime.casework).failed == 1
    instance = _instance(runtime, failing)
    assert instance.timer_attempts == 2
    assert instance.next_timer_due == due + retry_delay(1) + retry_delay(2)
    assert retry_delay(2) == 2 * retry_delay(1) and retry_delay(30) == timedelta(hours=1)

    assert retry_now(runtime.casework, instance.id, people["adam"]) == failing
    assert _instance(runtime, failing).next_timer_due == runtime.clock.now()
    monkeypatch.setattr(cases_module, "save_step", real_save_step)
    assert fire_due_batch(runtime.casework).fired == 1

    instance = _instance(runtime, failing)
    assert instance.status == "completed" and instance.timer_error is None and instance.timer_attempts == 0
    types = _event_types(runtime, failing)
    assert types.count("timer_failed") == 2 and types.count("timer_fired") == 1
    assert "timer_retry_requested" in types
    assert retry_now(runtime.casework, instance.id, people["adam"]) is None  # nothing left to retry
    assert _chains_intact(runtime)


def test_a_claimed_timer_that_fires_nothing_is_a_failure_not_a_loop(runtime, people, clock_process, monkeypatch):
    reference = _restrict(runtime, people, "2026-01-31")
    due = _london_midnight(2027, 1, 31)
    runtime.clock.set(due)
    monkeypatch.setattr(runtime.engine, "fire_due_timers", lambda workflow: StepResult([], [], False))
    assert fire_due_batch(runtime.casework).failed == 1
    instance = _instance(runtime, reference)
    assert "TimerDidNotFire" in instance.timer_error and instance.next_timer_due == due + retry_delay(1)
    assert "timer_fired" not in _event_types(runtime, reference)


def test_task_due_dates_count_england_bank_holidays(runtime, people):
    diagram = (FIXTURES / "restriction_clock.bpmn").read_bytes().replace(
        b'camunda:formKey="decide" camunda:candidateGroups="caseworker"',
        b'camunda:formKey="decide" camunda:candidateGroups="caseworker" camunda:dueDate="2 working days"',
    )
    deploy_fixture(runtime, "restriction_clock.bpmn", content=diagram)
    runtime.clock.set(datetime(2026, 12, 24, 15, tzinfo=LONDON))
    reference = _start(runtime, people)
    # Christmas Day, the weekend and Boxing Day (moved to Monday 28th) are not working days.
    assert _open_task(runtime, reference).due_at == datetime(2026, 12, 30, 23, 59, 59, tzinfo=LONDON)


def test_a_retry_that_meets_the_worker_changing_the_case_is_a_conflict_and_changes_nothing(
        runtime, people, clock_process, monkeypatch):
    reference = _restrict(runtime, people, "2026-02-20")
    instance = _instance(runtime, reference)
    with runtime.db.transaction() as session:
        session.get(ProcessInstance, instance.id).timer_error = "RuntimeError: the letter service is down"

    def changed_meanwhile(*args, **kwargs):
        raise StaleInstance(instance.id)

    monkeypatch.setattr(instances_dao, "save_instance_state", changed_meanwhile)
    with pytest.raises(Conflict, match="worker was busy"):
        retry_now(runtime.casework, instance.id, people["adam"])
    assert "timer_retry_requested" not in _event_types(runtime, reference)
