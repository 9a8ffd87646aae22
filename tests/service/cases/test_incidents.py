"""Platform incidents on both databases: opened from a failing timer, deduped, parked, retried, resolved, audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from service.cases import cases as cases_module
from service.cases import incidents
from service.cases.cases import complete_task, start_case
from service.cases.errors import Conflict, InvalidInput, NotAllowed, NotFound
from service.dao import audit_dao, incidents_dao, tasks_dao
from service.history.audit_verify import verify_all
from service.models import Case, HumanTask, ProcessIncident, ProcessInstance
from service.tasks.timers import PARK_AFTER, fire_due_batch, retry_delay
from tests.service.conftest import deploy_fixture

EXPIRY = datetime(2027, 1, 31, tzinfo=UTC)


@pytest.fixture
def clock_process(runtime):
    deploy_fixture(runtime, "restriction_clock.bpmn")


def _restrict(runtime, people, customer: str = "C-1") -> str:
    reference = start_case(runtime.casework, people["casey"], {"customer_reference": customer},
                                            process_id="restriction_clock").reference
    with runtime.db.reading() as session:
        task = session.scalars(select(HumanTask).join(Case, Case.id == HumanTask.case_id)
                               .where(Case.reference == reference, HumanTask.status == "open")).one()
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=people["casey"].user_id, now=runtime.clock.now())
    complete_task(runtime.casework, people["casey"], task.id, {"decision": "restrict", "letter_date": "2026-01-31"})
    return reference


def _instance(runtime, reference: str) -> ProcessInstance:
    with runtime.db.reading() as session:
        return session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == reference)).one()


def _incidents(runtime, reference: str) -> list[ProcessIncident]:
    with runtime.db.reading() as session:
        return list(incidents_dao.of_instance(session, _instance(runtime, reference).id))


def _events(runtime, reference: str) -> list[str]:
    with runtime.db.reading() as session:
        return [e.event_type for e in audit_dao.list_events(session, _instance(runtime, reference).id)]


def _intact(runtime) -> bool:
    with runtime.db.reading() as session:
        return verify_all(session).intact


def _break_timers(monkeypatch, reference: str) -> None:
    real = cases_module.save_step

    def failing(ctx, *args, **kwargs):
        if ctx.instance.business_key == reference:
            raise RuntimeError("the letter service is down")
        return real(ctx, *args, **kwargs)

    monkeypatch.setattr(cases_module, "save_step", failing)


def test_a_failing_timer_opens_one_incident_counts_repeats_and_parks(runtime, people, clock_process, monkeypatch):
    reference = _restrict(runtime, people)
    _break_timers(monkeypatch, reference)
    runtime.clock.set(EXPIRY)
    assert fire_due_batch(runtime.casework).failed == 1
    [incident] = _incidents(runtime, reference)
    assert (incident.kind, incident.status, incident.occurrences) == ("timer", "open", 1)
    assert incident.message == "A timer could not fire (RuntimeError); it will be tried again."
    assert incident.details["error"] == "RuntimeError: the letter service is down"
    assert "letter service" not in incident.message  # the message names the failure, not the case's data

    for attempt in range(2, PARK_AFTER + 1):
        runtime.clock.advance(seconds=retry_delay(attempt - 1).total_seconds())
        assert fire_due_batch(runtime.casework).failed == 1
    [incident] = _incidents(runtime, reference)
    assert incident.occurrences == PARK_AFTER and incident.details["parked"] is True
    assert "stopped trying" in incident.message
    instance = _instance(runtime, reference)
    assert instance.next_timer_due is None and instance.timer_attempts == PARK_AFTER
    runtime.clock.advance(days=30)
    assert fire_due_batch(runtime.casework).claimed == 0  # parked: the worker leaves it alone
    assert _events(runtime, reference).count("incident_opened") == 1
    assert _intact(runtime)


def test_retrying_a_parked_timer_incident_makes_it_due_and_a_success_leaves_it_closed(
    runtime, people, clock_process, monkeypatch
):
    reference = _restrict(runtime, people)
    _break_timers(monkeypatch, reference)
    runtime.clock.set(EXPIRY)
    fire_due_batch(runtime.casework)
    [incident] = _incidents(runtime, reference)

    with pytest.raises(NotAllowed):
        incidents.retry_incident(runtime.casework, incident.id, people["casey"])
    retried = incidents.retry_incident(runtime.casework, incident.id, people["adam"])
    assert (retried.status, retried.resolution, retried.resolved_by_id) == ("resolved", "retried",
                                                                           people["adam"].user_id)
    assert _instance(runtime, reference).next_timer_due == runtime.clock.now()
    with pytest.raises(Conflict):
        incidents.retry_incident(runtime.casework, incident.id, people["adam"])

    monkeypatch.undo()
    assert fire_due_batch(runtime.casework).fired == 1
    assert _instance(runtime, reference).status == "completed"
    assert [i.status for i in _incidents(runtime, reference)] == ["resolved"]
    types = _events(runtime, reference)
    assert types.index("incident_opened") < types.index("incident_retried") < types.index("timer_fired")
    with runtime.db.reading() as session:
        retry_event = next(e for e in audit_dao.list_events(session, _instance(runtime, reference).id)
                           if e.event_type == "incident_retried")
    assert retry_event.actor_id == people["adam"].user_id and retry_event.data["incident_id"] == incident.id
    assert _intact(runtime)


def test_a_timer_that_fires_after_failing_closes_its_incident_itself(runtime, people, clock_process, monkeypatch):
    reference = _restrict(runtime, people)
    _break_timers(monkeypatch, reference)
    runtime.clock.set(EXPIRY)
    fire_due_batch(runtime.casework)
    monkeypatch.undo()
    runtime.clock.advance(seconds=retry_delay(1).total_seconds())
    assert fire_due_batch(runtime.casework).fired == 1
    [incident] = _incidents(runtime, reference)
    assert (incident.status, incident.resolution) == ("resolved", "fixed_itself")
    assert "incident_resolved" in _events(runtime, reference)
    assert _intact(runtime)


def test_open_incident_dedupes_per_kind_and_element_and_reopens_after_resolution(runtime, people, clock_process):
    reference = _restrict(runtime, people)
    instance_id = _instance(runtime, reference).id
    now = runtime.clock.now()
    first = incidents.open_incident_apart(runtime.casework, instance_id, kind="script", message="A script failed",
                                          element_id="Task_A", now=now)
    again = incidents.open_incident_apart(runtime.casework, instance_id, kind="script", message="It failed again",
                                          element_id="Task_A", now=now)
    other = incidents.open_incident_apart(runtime.casework, instance_id, kind="script", message="Elsewhere",
                                          element_id="Task_B", now=now)
    assert first == again != other
    with pytest.raises(ValueError, match="unknown incident kind"):
        incidents.open_incident_apart(runtime.casework, instance_id, kind="gremlins", message="?", now=now)

    with pytest.raises(Conflict, match="cannot be retried"):
        incidents.retry_incident(runtime.casework, first, people["adam"])
    resolved = incidents.resolve_incident(runtime.casework, first, people["adam"], "fixed the script")
    assert resolved.resolution == "resolved"
    with pytest.raises(Conflict):
        incidents.resolve_incident(runtime.casework, first, people["adam"])
    with pytest.raises(NotFound):
        incidents.resolve_incident(runtime.casework, 987654, people["adam"])
    reopened = incidents.open_incident_apart(runtime.casework, instance_id, kind="script", message="Once more",
                                             element_id="Task_A", now=now)
    assert reopened not in (first, other)
    assert _events(runtime, reference).count("incident_opened") == 3
    assert _intact(runtime)


def test_retry_with_new_data_writes_it_into_the_waiting_step(runtime, people, clock_process, monkeypatch):
    reference = _restrict(runtime, people)
    _break_timers(monkeypatch, reference)
    runtime.clock.set(EXPIRY)
    fire_due_batch(runtime.casework)
    [incident] = _incidents(runtime, reference)

    for bad in ({}, {"not a name": 1}, {"x": "y" * 70_000}, ["a", "list"]):
        with pytest.raises(InvalidInput):
            incidents.retry_incident(runtime.casework, incident.id, people["adam"], bad)
    assert _incidents(runtime, reference)[0].status == "open"  # nothing was done

    incidents.retry_incident(runtime.casework, incident.id, people["adam"], {"review_note": "checked by hand"})
    monkeypatch.undo()
    assert fire_due_batch(runtime.casework).fired == 1
    state = _instance(runtime, reference).state
    assert "checked by hand" in str(state)
    assert _intact(runtime)


def test_a_step_the_diagram_cannot_run_is_refused_and_also_opens_a_script_incident(
    runtime, people, clock_process, monkeypatch
):
    reference = start_case(runtime.casework, people["casey"], {"customer_reference": "C-1"},
                                            process_id="restriction_clock").reference
    with runtime.db.reading() as session:
        task = session.scalars(select(HumanTask).join(Case, Case.id == HumanTask.case_id)
                               .where(Case.reference == reference, HumanTask.status == "open")).one()
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=people["casey"].user_id, now=runtime.clock.now())

    def broken(*args, **kwargs):
        raise ZeroDivisionError("the diagram divided by nothing")

    monkeypatch.setattr(runtime.engine, "complete_task", broken)
    with pytest.raises(cases_module.ProcessProblem):
        complete_task(runtime.casework, people["casey"], task.id, {"decision": "close"})
    [incident] = _incidents(runtime, reference)
    assert (incident.kind, incident.element_id, incident.status) == ("script", "Task_Decide", "open")
    assert "could not run a step" in incident.message and "divided" not in incident.message
    assert _events(runtime, reference)[-1] == "incident_opened"
    assert _intact(runtime)


def test_the_incident_lists_page_by_status_and_kind_and_count_the_open_ones(runtime, people, clock_process):
    reference = _restrict(runtime, people)
    instance_id = _instance(runtime, reference).id
    now = runtime.clock.now()
    opened = [incidents.open_incident_apart(runtime.casework, instance_id, kind=kind, message="Failed",
                                            element_id=element, now=now)
              for kind, element in (("script", "A"), ("script", "B"), ("timer", "C"))]
    incidents.resolve_incident(runtime.casework, opened[1], people["adam"], "fixed")

    page = incidents.incidents_page(runtime.casework, 1, page_size=1)
    assert (page.total, page.pages, [row.incident.id for row in page.rows]) == (2, 2, [opened[0]])
    assert page.rows[0].case_reference == reference
    assert [row.incident.id for row in incidents.incidents_page(runtime.casework, 9, page_size=1).rows] == [opened[2]]
    resolved = incidents.incidents_page(runtime.casework, 1, status="resolved", kind="script")
    assert [row.incident.id for row in resolved.rows] == [opened[1]]
    listing, counts = incidents.incidents_overview(runtime.casework, 1, status="open", kind="timer")
    assert [row.incident.id for row in listing.rows] == [opened[2]] and counts == {"script": 1, "timer": 1}
