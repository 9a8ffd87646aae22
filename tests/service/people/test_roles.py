"""Who may do what is written once: pages read flags, never role names."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from service.cases.case_file import TaskFile
from service.packs import registry
from service.packs.registry import GroupSeed, Pack
from service.people.actors import PLATFORM_ROLES, TASK_WORKER, WORK_MANAGER, Actor, account_roles
from service.people.roles import ADMINS, CASE_READERS, MANAGERS, WORKERS, Permissions

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def test_no_template_names_a_role_it_asks_the_service():
    asking = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if "has_any_role" in p.read_text()]
    assert asking == []


def test_the_platforms_role_lists_name_only_its_own_permissions_and_roles():
    named = {*WORKERS, *CASE_READERS, *MANAGERS, *ADMINS}
    assert named <= {TASK_WORKER, WORK_MANAGER, *PLATFORM_ROLES}
    assert set(WORKERS) < set(CASE_READERS) and "auditor" in CASE_READERS


def test_the_roles_an_account_can_have_are_the_packs_groups_then_the_platforms_own(monkeypatch):
    # The policy's groups, as its pack seeds them, first: the order the people pages have always listed them in.
    assert account_roles() == ("caseworker", "head_of_service", "executive", "process_owner", "auditor",
                               "data_protection_officer", "admin", "worker")
    monkeypatch.setattr(registry, "_BY_NAME", {"gardening": Pack(
        name="gardening", process_ids=("gardening_process",), groups=(GroupSeed("gardeners", "Gardeners"),))})
    assert account_roles() == ("gardeners", *PLATFORM_ROLES)
    monkeypatch.setattr(registry, "_BY_NAME", {})
    assert account_roles() == PLATFORM_ROLES


@pytest.fixture
def leads():
    """A pack whose "leads" group manages work, and whose "gardeners" group does not."""
    registry.register(Pack(name="managing", process_ids=("managing_process",), groups=(
        GroupSeed("leads", "Leads", manages_work=True), GroupSeed("gardeners", "Gardeners"))))
    yield
    registry.unregister("managing")


@pytest.mark.parametrize(("roles", "groups", "expected"), [
    ((), (), dict(reassign_tasks=False, administer=False)),
    ((), ("gardeners",), dict(reassign_tasks=False, administer=False)),
    ((), ("leads",), dict(reassign_tasks=True, administer=False)),
    (("leads",), (), dict(reassign_tasks=True, administer=False)),  # a role is also the group of that name
    (("auditor",), (), dict(reassign_tasks=False, administer=False)),
    (("admin",), (), dict(reassign_tasks=False, administer=True)),
])
def test_the_flags_follow_the_roles_and_the_groups_that_manage_work(leads, roles, groups, expected):
    may = Permissions(Actor(1, roles, groups=groups))
    assert {name: getattr(may, name) for name in expected} == expected
    assert may.see_every_overdue_task == may.reassign_tasks


def test_no_group_manages_work_unless_a_pack_says_so():
    registry.register(Pack(name="plain", process_ids=("plain_process",), groups=(GroupSeed("leads", "Leads"),)))
    try:
        assert not Actor(1, (), groups=("leads",)).has_any_role(MANAGERS)
    finally:
        registry.unregister("plain")


def test_a_page_is_offered_by_its_own_guard():
    def route_admits(actor, endpoint):
        return endpoint == "pack.start" and "starters" in actor.groups

    assert Permissions(Actor(1, (), groups=("starters",)), route_admits).use("pack.start")
    assert not Permissions(Actor(1, (), groups=("starters",)), route_admits).use("pack.other")
    assert not Permissions(Actor(1, (), groups=("others",)), route_admits).use("pack.start")
    assert not Permissions(None, route_admits).use("pack.start")


def test_no_one_signed_in_may_do_nothing():
    may = Permissions(None)
    assert not (may.reassign_tasks or may.see_every_overdue_task or may.administer or may.use("home.home"))
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
