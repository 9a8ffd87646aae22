"""The foundation on both databases: deploy, start, claim, complete, conflicts, versions, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service.cases.cases import complete_task, start_case
from service.cases.errors import Conflict, InvalidInput, NotAllowed
from service.dao import tasks_dao
from service.models import AuditEvent, Case, HumanTask, ProcessInstance, ProcessVersion
from tests.service.conftest import deploy_fixture


def _open_task(runtime, reference: str) -> HumanTask:
    with runtime.db.reading() as session:
        return session.scalars(
            select(HumanTask).join(Case, Case.id == HumanTask.case_id)
            .where(Case.reference == reference, HumanTask.status == "open")
        ).one()


def _claim_and_complete(runtime, actor, reference, data):
    task = _open_task(runtime, reference)
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=actor.user_id, now=runtime.clock.now())
    complete_task(runtime.casework, actor, task.id, data)
    return task


def test_a_case_runs_through_three_tasks_with_rows_and_audit_in_step(runtime, people):
    deploy_fixture(runtime, "three_tasks.bpmn")
    casey = people["casey"]
    started = start_case(runtime.casework, casey, {"customer_reference": "c-100", "customer_name": "Pat Doe"},
                                          process_id="three_tasks")
    assert started.reference == "UB-2026-0001"
    for note in ("one", "two", "three"):
        _claim_and_complete(runtime, casey, started.reference, {"note": note})
    with runtime.db.reading() as session:
        case = session.scalars(select(Case)).one()
        instance = session.get(ProcessInstance, case.instance_id)
        tasks = session.scalars(select(HumanTask).order_by(HumanTask.created_at)).all()
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert case.status == "closed" and instance.status == "completed"
    assert [t.status for t in tasks] == ["completed"] * 3
    assert tasks[0].due_at is not None and tasks[1].due_at is None
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(e.prev_hash == p.hash for p, e in zip(events, events[1:], strict=False))
    assert [e.event_type for e in events].count("task_completed") == 3
    assert events[-1].event_type == "case_closed"


def test_only_the_holder_completes_and_a_second_submit_is_a_conflict(runtime, people):
    deploy_fixture(runtime, "three_tasks.bpmn")
    casey, cora = people["casey"], people["cora"]
    reference = start_case(runtime.casework, casey, {"customer_reference": "C-1"}, process_id="three_tasks").reference
    task = _open_task(runtime, reference)
    with pytest.raises(NotAllowed):
        complete_task(runtime.casework, casey, task.id, {"note": "x"})
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=casey.user_id, now=runtime.clock.now())
    with pytest.raises(NotAllowed):
        complete_task(runtime.casework, cora, task.id, {"note": "x"})
    with pytest.raises(InvalidInput) as invalid:
        complete_task(runtime.casework, casey, task.id, {"note": "", "extra": "field"})
    assert {p.field for p in invalid.value.problems} == {"note", "extra"}
    complete_task(runtime.casework, casey, task.id, {"note": "done"})
    with pytest.raises(Conflict):
        complete_task(runtime.casework, casey, task.id, {"note": "again"})


def test_identical_redeploy_is_a_no_op_and_running_cases_keep_their_version(runtime, people):
    first = deploy_fixture(runtime, "three_tasks.bpmn")
    assert first.versions[0].created and first.versions[0].version == 1
    again = deploy_fixture(runtime, "three_tasks.bpmn")
    assert not again.versions[0].created and "unchanged" in again.message
    casey = people["casey"]
    old = start_case(runtime.casework, casey, {"customer_reference": "C-1"}, process_id="three_tasks").reference
    changed = (
        (runtime.settings.bpmn_dir.parent / "tests/workflows/fixtures/three_tasks.bpmn").read_bytes()
        .replace(b'name="Second step"', b'name="Second step, revised"')
    )
    second = deploy_fixture(runtime, "three_tasks.bpmn", content=changed)
    assert second.versions[0].version == 2
    new = start_case(runtime.casework, casey, {"customer_reference": "C-2"}, process_id="three_tasks").reference
    _claim_and_complete(runtime, casey, old, {"note": "a"})
    _claim_and_complete(runtime, casey, new, {"note": "a"})
    assert _open_task(runtime, old).name == "Second step"
    assert _open_task(runtime, new).name == "Second step, revised"
    with runtime.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ProcessVersion)) == 2


def test_two_people_completing_the_same_task_at_once_exactly_one_wins(runtime, people, monkeypatch):
    """Two real database sessions in two threads, both past their reads before either writes."""
    import contextlib
    import threading

    from service.cases import cases as cases_module

    deploy_fixture(runtime, "three_tasks.bpmn")
    casey = people["casey"]
    reference = start_case(runtime.casework, casey, {"customer_reference": "C-1"}, process_id="three_tasks").reference
    task = _open_task(runtime, reference)
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=casey.user_id, now=runtime.clock.now())

    # On SQLite the second writer queues for the write lock before it reads, so it cannot meet the
    # first at the barrier: the barrier only has to hold on PostgreSQL.
    both_loaded = threading.Barrier(2, timeout=10 if runtime.db.is_postgres else 0.5)
    real_load = runtime.engine.load

    def load_then_wait(definition, state):
        workflow = real_load(definition, state)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_loaded.wait()
        return workflow

    monkeypatch.setattr(runtime.engine, "load", load_then_wait)
    outcomes: list[str] = []

    def attempt(note: str) -> None:
        try:
            complete_task(runtime.casework, casey, task.id, {"note": note})
            outcomes.append("won")
        except cases_module.Conflict as conflict:
            outcomes.append(conflict.message)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes)[-1] == "won" and outcomes.count("won") == 1
    loser = next(o for o in outcomes if o != "won")
    assert "nothing was" in loser
    with runtime.db.reading() as session:
        completions = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "task_completed")
        ).all()
        open_tasks = session.scalars(select(HumanTask).where(HumanTask.status == "open")).all()
    assert len(completions) == 1
    assert [t.name for t in open_tasks] == ["Second step"]


def test_a_task_with_an_assignee_goes_straight_to_that_person(runtime, people):
    content = (runtime.settings.bpmn_dir.parent / "tests/workflows/fixtures/three_tasks.bpmn").read_bytes()
    content = content.replace(b'name="Second step" camunda:formKey',
                              b'name="Second step" camunda:assignee="cora" camunda:formKey')
    deploy_fixture(runtime, "three_tasks.bpmn", content=content)
    casey, cora = people["casey"], people["cora"]
    reference = start_case(runtime.casework, casey, {"customer_reference": "C-1"}, process_id="three_tasks").reference
    _claim_and_complete(runtime, casey, reference, {"note": "one"})
    second = _open_task(runtime, reference)
    assert second.assignee_id == cora.user_id and second.claimed_at is not None
    complete_task(runtime.casework, cora, second.id, {"note": "two"})


@pytest.mark.postgres_only
def test_a_start_still_running_does_not_hold_up_the_next_start(runtime, people, monkeypatch):
    """The reference counter's row lock lasts one statement, not the whole start: while one start is
    held inside its transaction (here: just before its engine runs), another start finishes."""
    import threading

    from service.cases import cases as cases_module

    deploy_fixture(runtime, "three_tasks.bpmn")
    casey = people["casey"]
    inside, release = threading.Event(), threading.Event()
    real_diagram_problems = cases_module.diagram_problems

    def held_on_the_first_start():
        if not inside.is_set():
            inside.set()
            release.wait(timeout=60)
        return real_diagram_problems()

    monkeypatch.setattr(cases_module, "diagram_problems", held_on_the_first_start)
    outcome = {}

    def first_start():
        outcome["first"] = start_case(runtime.casework, casey, {"customer_reference": "c-1"}, process_id="three_tasks")

    held = threading.Thread(target=first_start)
    held.start()
    try:
        assert inside.wait(timeout=60)
        second = start_case(runtime.casework, casey, {"customer_reference": "c-2"}, process_id="three_tasks")
        first_still_held = "first" not in outcome
    finally:
        release.set()
        held.join(timeout=60)
    assert first_still_held, "the second start waited for the first one to finish"
    assert second.reference == "UB-2026-0002"
    assert outcome["first"].reference == "UB-2026-0001"
