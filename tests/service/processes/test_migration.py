"""Moving running cases to a newer version, on both databases: who may move, the audit trail, task rows."""

from __future__ import annotations

import pytest

from service.dao import audit_dao, instances_dao
from service.dao.instances_dao import StaleInstance
from service.history.audit_verify import verify_all
from service.models import ProcessVersion
from service.processes import migration
from tests.service.process_files import advance, cases_across_versions, instance_of
from tests.service.views.conftest import open_task, start_case

PROCESS = "three_tasks"


def _version_of(runtime, reference: str) -> int:
    with runtime.db.reading() as session:
        return session.get(ProcessVersion, instance_of(runtime, reference).process_version_id).version


@pytest.fixture
def cases(runtime, people):
    return cases_across_versions(runtime, people)


def test_the_preview_says_which_cases_can_move_and_why_not(runtime, cases):
    at_first, at_second, at_third = cases
    target, moves = migration.preview(runtime.casework, runtime.engine, PROCESS, 2)
    assert target.version == 2
    by_case = {m.business_key: m for m in moves}
    assert by_case[at_first].allowed and by_case[at_first].stage == "First step"
    assert [b.element_id for b in by_case[at_second].blocking] == ["Task_Second"]
    assert [b.element_id for b in by_case[at_third].blocking] == ["Task_Second", "Task_Third"]
    assert migration.preview(runtime.casework, runtime.engine, PROCESS, 1)[1] == []


def test_a_case_before_the_changed_step_moves_with_an_audit_event_and_takes_the_new_step(runtime, people, cases):
    at_first, at_second, at_third = cases
    owen, casey = people["owen"], people["casey"]
    open_before = open_task(runtime, at_first).id
    outcomes = migration.migrate_cases(runtime.casework, owen, PROCESS, 2, [
        instance_of(runtime, key).id for key in cases
    ])
    assert [(o.business_key, o.moved) for o in outcomes] == [(at_first, True), (at_second, False), (at_third, False)]
    assert outcomes[0].message == "moved from version 1 to version 2"
    assert outcomes[1].message.startswith("it has already reached steps that the new version changes (‘Second step’")
    assert [_version_of(runtime, key) for key in cases] == [2, 1, 1]

    with runtime.db.reading() as session:
        events = audit_dao.list_events(session, instance_of(runtime, at_first).id)
        assert verify_all(session).intact
    assert events[-1].event_type == "migrated" and events[-1].actor_id == owen.user_id
    assert {k: events[-1].data[k] for k in ("from_version", "to_version")} == {"from_version": 1, "to_version": 2}
    assert open_task(runtime, at_first).id == open_before  # the task row carries on

    advance(runtime, casey, at_first, 2)
    assert open_task(runtime, at_first).element_id == "Task_Extra"
    advance(runtime, casey, at_second, 1)  # the one left behind continues on version 1
    assert open_task(runtime, at_second).element_id == "Task_Third"
    new_case = start_case(runtime, casey, "C-4")
    assert _version_of(runtime, new_case) == 2


def test_moving_again_or_moving_a_closed_case_changes_nothing(runtime, people, cases):
    at_first = cases[0]
    instance_id = instance_of(runtime, at_first).id
    assert migration.migrate_case(runtime.casework, people["owen"], PROCESS, 2, instance_id).moved
    again = migration.migrate_case(runtime.casework, people["owen"], PROCESS, 2, instance_id)
    assert not again.moved and again.message == "it is already on version 2"


def test_a_case_changed_at_the_same_moment_is_left_alone(runtime, people, cases, monkeypatch):
    at_first = cases[0]
    before = instance_of(runtime, at_first)

    def someone_else_got_there_first(*args, **kwargs):
        raise StaleInstance(at_first)

    monkeypatch.setattr(instances_dao, "save_instance_state", someone_else_got_there_first)
    outcome = migration.migrate_case(runtime.casework, people["owen"], PROCESS, 2, before.id)
    monkeypatch.undo()
    assert not outcome.moved and "same moment" in outcome.message
    after = instance_of(runtime, at_first)
    assert (after.process_version_id, after.lock_version, after.audit_seq) == (
        before.process_version_id, before.lock_version, before.audit_seq)
