"""The policy's notices: an appeal received, a further incident, and a restriction coming up for review
(found by the pack's scan, written once); and how a person chooses them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from service.cases.cases import deliver_message
from service.config import Mail
from service.notifications.worker_step import notify_round
from service.packs.unacceptable_behaviour.further_incidents import add_incident
from service.packs.unacceptable_behaviour.models import Restriction
from tests.bpmn import samples
from tests.service.conftest import deploy_policy
from tests.service.notifications.conftest import body_of
from tests.service.packs.unacceptable_behaviour.policy_cases import restriction_case
from tests.service.views.conftest import start_case, text_of


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
    with runtime.db.reading() as session:  # two restrictions ending together: one notice
        assert session.scalar(select(func.count()).select_from(Restriction)) == 2
    notify_round(runtime.casework, runtime.clock.now())
    smtp.messages.clear()
    runtime.clock.set(datetime(2027, 1, 25, 9, 0, tzinfo=UTC))  # 8 days before the review task opens on 2 February
    notify_round(runtime.casework, runtime.clock.now())
    assert not [s for s in smtp.subjects("casey@example.org") if s.startswith("Restriction review")]
    runtime.clock.set(datetime(2027, 1, 26, 9, 0, tzinfo=UTC))  # a week before
    notify_round(runtime.casework, runtime.clock.now())
    review = [m for m in smtp.to("casey@example.org") if m["Subject"].startswith("Restriction review")]
    assert [m["Subject"] for m in review] == [f"Restriction review coming up on case {journey.reference}"]
    assert f"A restriction on case {journey.reference} comes up for review soon: it ends on 2 March 2027." in (
        body_of(review[0]))
    runtime.clock.set(datetime(2027, 1, 27, 9, 0, tzinfo=UTC))
    notify_round(runtime.casework, runtime.clock.now())
    assert len([s for s in smtp.subjects("casey@example.org") if s.startswith("Restriction review")]) == 1


def test_a_further_incident_tells_the_people_holding_the_case(three_tasks, smtp, emails, runtime):
    reference = start_case(runtime, emails["casey"])  # casey opened it, so owns it
    notify_round(runtime.casework, runtime.clock.now())
    smtp.messages.clear()
    add_incident(runtime.casework, emails["cora"], reference, {})
    notify_round(runtime.casework, runtime.clock.now())
    assert smtp.subjects("casey@example.org") == [f"Further incident recorded on case {reference}"]
    assert smtp.to("cora@example.org") == []  # who recorded it is not told


def test_the_policys_notices_go_to_the_webhook_too(three_tasks, smtp, emails, runtime, monkeypatch):
    posted = []
    monkeypatch.setattr("service.notifications.channels.urllib.request.urlopen",
                        lambda request, timeout: posted.append(request) or _Answer())
    runtime.settings.mail = Mail(host=runtime.settings.mail.host, port=runtime.settings.mail.port, starttls=False,
                                 webhook_url="https://example.org/teams-hook")
    reference = start_case(runtime, emails["casey"])
    notify_round(runtime.casework, runtime.clock.now())
    posted.clear()
    add_incident(runtime.casework, emails["cora"], reference, {})
    notify_round(runtime.casework, runtime.clock.now())
    assert len(posted) == 1 and b"Further incident recorded" in posted[0].data


class _Answer:
    status = 200

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_settings_page_offers_the_policys_notices_among_the_platforms(client_request, people):
    page = client_request.login("casey").get("/account/notifications")
    boxes = [(box["value"], text_of(page.select_one(f"label[for={box['id']}]")))
             for box in page.select("input[name=kinds]")]
    assert boxes == [
        ("task_assigned", "A task is assigned to me"),
        ("task_overdue", "A task I hold, or one waiting for my groups, becomes overdue"),
        ("review_due", "A restriction on a case I hold is coming up for review"),
        ("appeal_received", "An appeal is received on a case I hold"),
        ("incident_recorded", "A further incident is recorded on a case I hold"),
        ("process_incident", "Something goes wrong in the process of a case I hold (an incident)"),
    ]
    client_request.post("/account/notifications", {"kinds": ["review_due"], "group_tasks": "each",
                                                   "digest_time": "08:00"})
    page = client_request.get("/account/notifications")
    assert [box["value"] for box in page.select("input[name=kinds][checked]")] == ["review_due"]
