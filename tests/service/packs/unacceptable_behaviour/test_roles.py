"""The policy's own role lists, and what the pack tells the platform about them."""

from __future__ import annotations

from service.packs.registry import work_manager_groups
from service.packs.unacceptable_behaviour.pack import PACK
from service.packs.unacceptable_behaviour.roles import CASEWORKERS, DECIDERS, STAFF, STAFF_AND_AUDITORS
from service.people.actors import WORK_MANAGER, Actor


def test_the_role_lists_build_on_each_other():
    assert set(DECIDERS) < set(STAFF) < set(STAFF_AND_AUDITORS)
    assert set(CASEWORKERS) < set(STAFF)
    assert "auditor" not in STAFF


def test_the_policys_deciders_manage_work_and_its_staff_and_auditors_read_its_cases(policy):
    assert {seed.name for seed in PACK.groups if seed.manages_work} == set(DECIDERS)
    assert set(DECIDERS) <= work_manager_groups()
    assert PACK.case_readers == STAFF_AND_AUDITORS
    assert Actor(1, ("head_of_service",)).has_any_role((WORK_MANAGER,))
    assert Actor(1, (), groups=("executive",)).has_any_role((WORK_MANAGER,))
    assert not Actor(1, ("caseworker",)).has_any_role((WORK_MANAGER,))
