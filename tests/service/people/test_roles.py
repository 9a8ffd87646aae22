"""Who may do what is written once: pages read flags, never role names."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from service.cases.case_file import TaskFile
from service.people.actors import Actor
from service.people.roles import DECIDERS, STAFF, STAFF_AND_AUDITORS, Permissions

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def test_no_template_names_a_role_it_asks_the_service():
    asking = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if "has_any_role" in p.read_text()]
    assert asking == []


def test_the_role_lists_build_on_each_other():
    assert set(DECIDERS) < set(STAFF) < set(STAFF_AND_AUDITORS)
    assert "auditor" not in STAFF


@pytest.mark.parametrize(("roles", "expected"), [
    ((), dict(record_incidents=False, work_on_cases=False, reassign_tasks=False, administer=False)),
    (("caseworker",), dict(record_incidents=True, work_on_cases=True, reassign_tasks=False, administer=False)),
    (("head_of_service",), dict(record_incidents=False, work_on_cases=True, reassign_tasks=True, administer=False)),
    (("auditor",), dict(record_incidents=False, work_on_cases=False, reassign_tasks=False, administer=False)),
    (("admin",), dict(record_incidents=False, work_on_cases=False, reassign_tasks=False, administer=True)),
])
def test_the_flags_follow_the_roles(roles, expected):
    may = Permissions(Actor(1, roles))
    assert {name: getattr(may, name) for name in expected} == expected
    assert may.see_every_overdue_task == may.reassign_tasks


def test_no_one_signed_in_may_do_nothing():
    may = Permissions(None)
    assert not (may.record_incidents or may.work_on_cases or may.reassign_tasks or may.administer)
    assert not may.send(SimpleNamespace(groups=("caseworker",)))


def test_a_message_may_be_sent_by_the_groups_its_catch_event_names():
    message = SimpleNamespace(groups=("asb_team",))
    assert Permissions(Actor(1, ("caseworker",), groups=("asb_team",))).send(message)
    assert not Permissions(Actor(1, ("caseworker",))).send(message)


def _task_file(*, status="open", assignee_id=None, offered=True, excluded=False) -> TaskFile:
    task = SimpleNamespace(status=status, assignee_id=assignee_id)
    return TaskFile(task=task, summary=None, form=None, instructions="", assignee=None, offered_to_you=offered,
                    excludes_you=excluded)


def test_claim_is_offered_only_to_someone_the_step_does_not_keep_off_it():
    assert _task_file().can_claim
    assert not _task_file(excluded=True).can_claim  # the separation of duties
    assert not _task_file(offered=False).can_claim
    assert not _task_file(assignee_id=7).can_claim
    assert not _task_file(status="completed").can_claim
