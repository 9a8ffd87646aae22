"""What the timers pages read: the scheduled timers soonest first, the failed ones, one waiting timer."""

from __future__ import annotations

import pytest

from service.cases import cases as cases_module
from service.tasks.timer_listing import timer_listing, waiting_timer
from service.tasks.timers import fire_due_batch
from tests.service.conftest import deploy_fixture
from tests.service.tasks.test_timers import _instance, _restrict


@pytest.fixture
def clock_process(runtime):
    deploy_fixture(runtime, "restriction_clock.bpmn")


def test_scheduled_timers_soonest_first_and_a_failed_one_listed_apart(runtime, people, clock_process, monkeypatch):
    later = _restrict(runtime, people, "2026-03-20", "C-1")
    sooner = _restrict(runtime, people, "2026-02-20", "C-2")
    listing = timer_listing(runtime.casework, 1)
    assert listing.failed == [] and [t.case_reference for t in listing.scheduled.rows] == [sooner, later]

    def broken_save_step(*args, **kwargs):
        raise RuntimeError("the letter service is down")

    monkeypatch.setattr(cases_module, "save_step", broken_save_step)
    runtime.clock.set(_instance(runtime, sooner).next_timer_due)
    assert fire_due_batch(runtime.casework).failed == 1
    (failed,) = timer_listing(runtime.casework, 1).failed
    assert failed.case_reference == sooner and "the letter service is down" in failed.error


def test_a_waiting_timer_is_found_by_its_case_and_element_only(runtime, people, clock_process):
    reference = _restrict(runtime, people, "2026-02-20")
    instance = _instance(runtime, reference)
    timer = waiting_timer(runtime.casework, instance.id, "Gateway_Wait")
    assert (timer.case_reference, timer.element_id, timer.due) == (reference, "Gateway_Wait", instance.next_timer_due)
    assert waiting_timer(runtime.casework, instance.id, "Task_Nowhere") is None
    assert waiting_timer(runtime.casework, instance.id + 1000, "Gateway_Wait") is None
