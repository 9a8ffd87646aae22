"""The policy's own role lists, and what the pack tells the platform about them."""

from __future__ import annotations

from service.packs.unacceptable_behaviour.roles import CASEWORKERS, DECIDERS, STAFF, STAFF_AND_AUDITORS


def test_the_role_lists_build_on_each_other():
    assert set(DECIDERS) < set(STAFF) < set(STAFF_AND_AUDITORS)
    assert set(CASEWORKERS) < set(STAFF)
    assert "auditor" not in STAFF
