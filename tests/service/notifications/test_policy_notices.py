"""Notices on the policy's own events: an appeal received, and a restriction coming up for review."""

from __future__ import annotations

from datetime import UTC, datetime

from service.cases.cases import deliver_message
from service.notifications.worker_step import notify_round
from tests.bpmn import samples
from tests.service.conftest import deploy_policy
from tests.service.notifications.conftest import body_of
from tests.service.packs.unacceptable_behaviour.policy_cases import restriction_case


def test_an_appeal_received_tells_the_case_owner_but_not_who_recorded_it(runtime, smtp, emails):
    deploy_policy(runtime)
    journey = restriction_case(runtime, emails, "C-501")
    notify_round(runtime.casework, runtime.clock.now())
    smtp.messages.clear()
    deliver_message(runtime.casework, emails["cora"], journey.reference, "appeal_received",
                                     samples.appeal_received("2026-03-02"))
    notify_round(runtime.casework, runtime.clock.now())
    assert f"Appeal received on case {journey.reference}" in smtp.subjects("casey@example.org")
    assert not any(s.startswith("Appeal") for s in smtp.subjects("cora@example.org"))
    body = body_of(smtp.to("casey@example.org")[0])
    assert "urgent leak" not in body and "C-501" not in body


def test_a_restriction_coming_up_for_review_is_notified_once_a_week_ahead(runtime, smtp, emails):
    deploy_policy(runtime)
    journey = restriction_case(runtime, emails, "C-502")  # letter 2 March 2026: ends 2 March 2027
    notify_round(runtime.casework, runtime.clock.now())
    smtp.messages.clear()
    runtime.clock.set(datetime(2027, 1, 25, 9, 0, tzinfo=UTC))  # 8 days before the review task opens on 2 February
    notify_round(runtime.casework, runtime.clock.now())
    assert not [s for s in smtp.subjects("casey@example.org") if s.startswith("Restriction review")]
    runtime.clock.set(datetime(2027, 1, 26, 9, 0, tzinfo=UTC))  # a week before
    notify_round(runtime.casework, runtime.clock.now())
    review = [s for s in smtp.subjects("casey@example.org") if s.startswith("Restriction review")]
    assert review == [f"Restriction review coming up on case {journey.reference}"]
    runtime.clock.set(datetime(2027, 1, 27, 9, 0, tzinfo=UTC))
    notify_round(runtime.casework, runtime.clock.now())
    assert len([s for s in smtp.subjects("casey@example.org") if s.startswith("Restriction review")]) == 1
