"""Groups are data: an administrator creates them and puts people in them; a role counts as its group."""

from __future__ import annotations

import pytest

from service.accounts import directory
from service.accounts import people as people_module
from service.cases.errors import Conflict, InvalidInput, NotAllowed, NotFound
from service.dao import users_dao
from service.people import groups


def _create(runtime, actor, name="asb-team", label="Anti-social behaviour team"):
    return groups.create_group(runtime.casework, actor, name=name, label=label, description="Hears ASB reports",
                               now=runtime.clock.now())


def test_an_administrator_creates_a_group_and_puts_people_in_it(runtime, people):
    _create(runtime, people["adam"])
    groups.add_member(runtime.casework, people["adam"], "asb-team", "owen", runtime.clock.now())
    page = groups.load_group(runtime.casework, "asb-team")
    assert (page.label, [(m.username, m.by_role) for m in page.members]) == (
        "Anti-social behaviour team", [("owen", False)])
    listed = {g.name: g.member_count for g in groups.list_groups(runtime.casework)}
    assert listed["asb-team"] == 1
    with runtime.db.reading() as session:
        actor = groups.actor_of(session, users_dao.get_user_by_username(session, "owen"))
    assert actor.groups == ("asb-team",) and actor.has_any_role(["asb-team"]) and actor.works_tasks
    groups.remove_member(runtime.casework, people["adam"], "asb-team", "owen", runtime.clock.now())
    assert groups.load_group(runtime.casework, "asb-team").members == []


def test_the_policy_roles_are_groups_whose_members_hold_the_role(runtime, people, policy):
    # Deploying the policy made its groups (its pack names them), empty but for the role holders.
    listed = {g.name: g.member_count for g in groups.list_groups(runtime.casework)}
    assert listed == {"caseworker": 2, "head_of_service": 2, "executive": 1}
    page = groups.load_group(runtime.casework, "caseworker")
    assert [(m.username, m.by_role) for m in page.members] == [("casey", True), ("cora", True)]
    with pytest.raises(Conflict, match="because they hold that role"):
        groups.remove_member(runtime.casework, people["adam"], "caseworker", "casey", runtime.clock.now())
    # A person added to a staff group gets that group's work and pages, without the role.
    groups.add_member(runtime.casework, people["adam"], "caseworker", "owen", runtime.clock.now())
    with runtime.db.reading() as session:
        owen = groups.actor_of(session, users_dao.get_user_by_username(session, "owen"))
        assert owen.has_any_role(["caseworker"]) and "process_owner" in owen.roles
        assert [u.username for u in groups.members_of_any(session, ["caseworker"])] == ["casey", "cora", "owen"]


def test_bad_names_and_duplicates_are_refused_with_the_field_named(runtime, people):
    with pytest.raises(InvalidInput) as refused:
        groups.create_group(runtime.casework, people["adam"], name="ASB Team", label=" ", description="",
                            now=runtime.clock.now())
    assert {p.field for p in refused.value.problems} == {"name", "label"}
    _create(runtime, people["adam"])
    with pytest.raises(InvalidInput, match="problem") as duplicate:
        _create(runtime, people["adam"], label="Another")
    assert duplicate.value.problems[0].message == "There is already a group called asb-team"
    with pytest.raises(InvalidInput):
        groups.add_member(runtime.casework, people["adam"], "asb-team", "nobody", runtime.clock.now())
    groups.add_member(runtime.casework, people["adam"], "asb-team", "owen", runtime.clock.now())
    with pytest.raises(Conflict, match="already in"):
        groups.add_member(runtime.casework, people["adam"], "asb-team", "owen", runtime.clock.now())
    with pytest.raises(NotFound):
        groups.add_member(runtime.casework, people["adam"], "no-such-group", "owen", runtime.clock.now())
    with pytest.raises(NotFound):
        groups.remove_member(runtime.casework, people["adam"], "asb-team", "casey", runtime.clock.now())


def test_only_an_administrator_changes_groups(runtime, people):
    for who in ("casey", "owen", "audrey", "hana"):
        with pytest.raises(NotAllowed):
            _create(runtime, people[who])
    _create(runtime, people["adam"])
    with pytest.raises(NotAllowed):
        groups.add_member(runtime.casework, people["hana"], "asb-team", "hana", runtime.clock.now())
    assert groups.load_group(runtime.casework, "asb-team").members == []


def test_groups_with_nobody_counts_only_active_people(runtime, people):
    _create(runtime, people["adam"])
    groups.add_member(runtime.casework, people["adam"], "asb-team", "owen", runtime.clock.now())
    with runtime.db.transaction() as session:
        assert groups.groups_with_nobody(session, ["asb-team", "caseworker", "ghosts"]) == ["ghosts"]
        users_dao.get_user_by_username(session, "owen").active = False
    with runtime.db.reading() as session:
        assert groups.groups_with_nobody(session, ["asb-team", "executive"]) == ["asb-team"]


def test_a_persons_groups_are_set_from_their_account_and_audited_there(runtime, people, policy):
    _create(runtime, people["adam"])
    casey = people["casey"].user_id
    held = groups.set_groups_of_person(runtime.casework, people["adam"], casey, ["asb-team", "caseworker"],
                                       runtime.clock.now())
    assert held == ["asb-team"]  # caseworker comes with casey's role: not an added membership
    choices = {c.name: (c.member, c.by_role) for c in groups.groups_of_person(runtime.casework, casey)}
    assert choices["asb-team"] == (True, False) and choices["caseworker"] == (True, True)
    assert choices["executive"] == (False, False)
    with runtime.db.reading() as session:
        actor = groups.actor_of(session, users_dao.get_user(session, casey))
    assert actor.groups == ("asb-team",)
    assert groups.set_groups_of_person(runtime.casework, people["adam"], casey, [], runtime.clock.now()) == []
    _, trail = directory.person_with_trail(runtime.casework, casey)
    assert [(e.what, e.by, e.detail) for e in trail] == [
        ("Groups changed", "Adam Admin", {"from": ["asb-team"], "to": []}),
        ("Groups changed", "Adam Admin", {"from": [], "to": ["asb-team"]})]
    with pytest.raises(InvalidInput) as unknown:
        groups.set_groups_of_person(runtime.casework, people["adam"], casey, ["ghosts"], runtime.clock.now())
    assert unknown.value.problems[0].field == "groups"
    with pytest.raises(NotAllowed):
        groups.set_groups_of_person(runtime.casework, people["hana"], casey, ["asb-team"], runtime.clock.now())


def test_adding_and_removing_on_the_groups_page_is_on_the_persons_trail(runtime, people):
    _create(runtime, people["adam"])
    groups.add_member(runtime.casework, people["adam"], "asb-team", "owen", runtime.clock.now())
    groups.remove_member(runtime.casework, people["adam"], "asb-team", "owen", runtime.clock.now())
    _, trail = directory.person_with_trail(runtime.casework, people["owen"].user_id)
    assert [(e.what, e.detail) for e in trail] == [
        ("Groups changed", {"removed": ["asb-team"]}), ("Groups changed", {"added": ["asb-team"]})]


def test_the_active_actor_of_a_username_carries_their_groups_and_a_leaver_has_none(runtime, people):
    _create(runtime, people["adam"])
    groups.add_member(runtime.casework, people["adam"], "asb-team", "owen", runtime.clock.now())
    owen = groups.active_actor(runtime.casework, "owen")
    assert (owen.user_id, owen.roles, owen.groups, owen.username) == (
        people["owen"].user_id, ("process_owner",), ("asb-team",), "owen")
    assert groups.active_actor(runtime.casework, "nobody") is None
    people_module.deactivate(runtime.casework, people["adam"], people["owen"].user_id, "Left", runtime.clock.now())
    assert groups.active_actor(runtime.casework, "owen") is None
