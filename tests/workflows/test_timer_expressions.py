"""Timer values as process owners write them: plain ISO, quoted, ${…}, dates without offsets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.workflows.conftest import FIXTURES
from workflows.definitions import DeploymentError, parse_definitions
from workflows.timer_expressions import TimerExpressionError, timer_cycle, timer_date, timer_duration, translate

TIMER_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t">
  <bpmn:process id="wait_a_while" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Event_Wait" />
    <bpmn:intermediateCatchEvent id="Event_Wait" name="Wait">
      <bpmn:timerEventDefinition id="T1"><bpmn:{tag}>{body}</bpmn:{tag}></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Event_Wait" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>"""


def timer_process(tag: str, body: str) -> bytes:
    return TIMER_PROCESS.replace("{tag}", tag).replace("{body}", body).encode()


@pytest.mark.parametrize(("value", "expected"), [
    ("2027-01-31", "2027-01-31T00:00:00+00:00"),  # winter: London is UTC
    ("2027-07-31", "2027-07-30T23:00:00+00:00"),  # summer: start of the London day is 23:00 UTC
    ("2027-07-31T09:00", "2027-07-31T08:00:00+00:00"),
    ("2027-07-31T09:00:00+02:00", "2027-07-31T07:00:00+00:00"),
    ("2027-07-31T09:00:00Z", "2027-07-31T09:00:00+00:00"),
])
def test_dates_without_an_offset_are_london_time_and_a_date_is_the_start_of_its_day(value, expected):
    assert timer_date(value) == expected


def test_durations_and_cycles_are_checked_and_normalised():
    assert timer_duration(" pt1m ") == "PT1M"
    assert timer_cycle("R3/PT10M") == "R3/PT10M"
    assert timer_cycle("R/2027-01-04T09:00/P1D") == "R/2027-01-04T09:00:00+00:00/P1D"
    for bad, check in [("P1X", timer_duration), ("10 minutes", timer_duration), ("R3", timer_cycle),
                       ("R3/2027-01-01/2027-02-01", timer_cycle), ("tomorrow", timer_date), (20270131, timer_date)]:
        with pytest.raises(TimerExpressionError):
            check(bad)


@pytest.mark.parametrize(("kind", "text", "expected"), [
    ("duration", "PT1M", "timer_duration('PT1M')"),
    ("duration", '"P5D"', 'timer_duration("P5D")'),
    ("cycle", "R3/PT10M", "timer_cycle('R3/PT10M')"),
    ("date", "2027-01-31", "timer_date('2027-01-31T00:00:00+00:00')"),
    ("date", "${replyBy}", "timer_date(replyBy)"),
    ("date", "${case.replyBy}", "timer_date(case.get('replyBy'))"),
    ("date", "review_due_at", "timer_date(review_due_at)"),
])
def test_every_way_of_writing_a_timer_becomes_one_checked_expression(kind, text, expected):
    assert translate(kind, text) == expected


@pytest.mark.parametrize(("tag", "body", "words"), [
    ("timeDuration", "PT1X", "not understood"),
    ("timeDate", "2027-13-45", "not understood"),
    ("timeDuration", "${a + b}", "not understood"),
    ("timeCycle", "", "no value"),
])
def test_a_timer_that_cannot_be_understood_is_refused_at_deploy_naming_its_element(tag, body, words):
    with pytest.raises(DeploymentError) as refused:
        parse_definitions(timer_process(tag, body))
    [problem] = refused.value.problems
    assert problem.element_id == "Event_Wait" and words in problem.message


@pytest.mark.parametrize(("tag", "body", "data", "due"), [
    ("timeDuration", "PT1M", {}, datetime(2026, 1, 31, 10, 1, tzinfo=UTC)),
    ("timeDuration", '"P5D"', {}, datetime(2026, 2, 5, 10, 0, tzinfo=UTC)),
    ("timeCycle", "R3/PT10M", {}, datetime(2026, 1, 31, 10, 10, tzinfo=UTC)),
    ("timeDate", "${replyBy}", {"replyBy": "2026-06-01"}, datetime(2026, 5, 31, 23, 0, tzinfo=UTC)),
    ("timeDate", "reply_by", {"reply_by": "2026-02-02T09:00"}, datetime(2026, 2, 2, 9, 0, tzinfo=UTC)),
])
def test_plain_and_expression_timers_start_run_and_are_scheduled(engine, clock, tag, body, data, due):
    definition = parse_definitions(timer_process(tag, body))[0]
    workflow, _ = engine.start(definition, data)
    scheduled = engine.next_timer_due(workflow)
    assert abs((scheduled - due).total_seconds()) < 0.001
    [timer] = engine.waiting_timers(workflow)
    assert (timer.element_id, timer.name) == ("Event_Wait", "Wait")
    clock.set(scheduled)
    assert "F2" in engine.fire_due_timers(workflow).taken_flows  # a cycle stays waiting for its next round


def test_a_date_from_a_form_that_is_not_a_date_fails_loudly_at_run_time(engine):
    definition = parse_definitions(timer_process("timeDate", "${replyBy}"))[0]
    with pytest.raises(Exception, match="ISO 8601 date"):
        engine.start(definition, {"replyBy": "next Tuesday"})


def test_the_timer_behind_an_event_based_gateway_is_named_and_can_be_moved(engine, clock):
    definition = parse_definitions((FIXTURES / "owner" / "gateway_timer.bpmn").read_bytes())[0]
    workflow, _ = engine.start(definition, {"replyBy": "2026-03-01"})
    [timer] = engine.waiting_timers(workflow)
    assert (timer.element_id, timer.name, timer.kind) == ("Gateway_Wait", "Reply deadline", "date")
    engine.move_timer(workflow, "Gateway_Wait", datetime(2026, 2, 10, 12, 0, tzinfo=UTC))
    assert engine.next_timer_due(workflow) == datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
    clock.set(datetime(2026, 2, 10, 12, 0, tzinfo=UTC))
    step = engine.fire_due_timers(workflow)
    assert "Event_Deadline" in step.completed
    [grace] = engine.waiting_timers(workflow)
    assert grace.element_id == "Wait_Grace" and grace.kind == "duration"
    with pytest.raises(LookupError):
        engine.move_timer(workflow, "Gateway_Wait", clock.now())
