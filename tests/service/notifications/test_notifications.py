"""Notices: written with the step, sent after commit by the worker, to a real SMTP server."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service.accounts.sign_in import check_password
from service.config import Mail
from service.dao import audit_dao
from service.models import Delivery, Notification
from service.notifications import sender
from service.notifications.preferences import save_preferences
from service.notifications.worker_step import notify_round
from service.tasks import inbox_actions
from tests.service.conftest import deploy_fixture
from tests.service.notifications.conftest import body_of
from tests.service.views.conftest import client_request, open_task, start_case  # noqa: F401 - a fixture


@pytest.fixture
def three(runtime):
    deploy_fixture(runtime, "three_tasks.bpmn")
    return runtime


def test_a_new_group_task_reaches_the_group_by_email_naming_case_and_task_only(three, smtp, emails, runtime):
    reference = start_case(runtime, emails["casey"], customer_reference="C-7731", name="Pat Doe")
    assert smtp.messages == []  # nothing is sent inside the step
    notify_round(runtime.casework, runtime.clock.now())
    for caseworker in ("casey", "cora"):
        assert smtp.subjects(f"{caseworker}@example.org") == [f"New task for your team: First step on case {reference}"]
    assert smtp.to("audrey@example.org") == [] and smtp.to("hana@example.org") == []
    body = body_of(smtp.to("casey@example.org")[0])
    task = open_task(runtime, reference)
    assert f"http://127.0.0.1:5000/tasks/{task.id}" in body
    assert "Pat Doe" not in body and "C-7731" not in body
    notify_round(runtime.casework, runtime.clock.now())
    assert len(smtp.messages) == 2  # never twice


def test_a_rolled_back_step_sends_nothing(three, smtp, emails, runtime, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database refused the audit row")

    monkeypatch.setattr(audit_dao, "append_events", fail)
    with pytest.raises(RuntimeError):
        start_case(runtime, emails["casey"])
    notify_round(runtime.casework, runtime.clock.now())
    assert smtp.messages == []
    with runtime.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_worker_that_dies_after_claiming_loses_nothing_and_sends_once(three, smtp, emails, runtime):
    start_case(runtime, emails["casey"])
    notify_round(runtime.casework, runtime.clock.now())
    smtp.messages.clear()
    # A second case's notices are claimed by a worker that then dies before sending.
    start_case(runtime, emails["casey"], customer_reference="C-2")
    from service.notifications.expand import expand_notices

    expand_notices(runtime.casework, runtime.clock.now(), webhook=False)
    claimed = sender._claim(runtime.casework, runtime.clock.now(), 50)
    assert len(claimed) == 2
    runtime.clock.advance(minutes=5)
    notify_round(runtime.casework, runtime.clock.now())
    assert smtp.messages == []  # the claim may still be in progress elsewhere
    runtime.clock.advance(minutes=6)
    notify_round(runtime.casework, runtime.clock.now())
    assert sorted(m["To"] for m in smtp.messages) == ["casey@example.org", "cora@example.org"]
    runtime.clock.advance(hours=1)
    notify_round(runtime.casework, runtime.clock.now())
    assert len(smtp.messages) == 2


def test_a_relay_that_is_down_is_retried_and_the_notice_arrives_later(three, smtp, emails, runtime):
    working = runtime.settings.mail
    runtime.settings.mail = Mail(host="127.0.0.1", port=1, starttls=False, timeout_seconds=2)
    start_case(runtime, emails["casey"])
    notify_round(runtime.casework, runtime.clock.now())
    with runtime.db.reading() as session:
        waiting = session.scalars(select(Delivery)).all()
    assert {d.status for d in waiting} == {"pending"} and all(d.last_error for d in waiting)
    runtime.settings.mail = working
    runtime.clock.advance(minutes=3)
    notify_round(runtime.casework, runtime.clock.now())
    assert len(smtp.messages) == 2


def test_without_smtp_notices_are_kept_as_undeliverable_with_the_reason(three, emails, runtime):
    start_case(runtime, emails["casey"])
    notify_round(runtime.casework, runtime.clock.now())
    with runtime.db.reading() as session:
        deliveries = session.scalars(select(Delivery)).all()
    assert {(d.status, d.last_error) for d in deliveries} == {
        ("undeliverable", "undeliverable: SMTP is not configured (SMTP_HOST)")}


def test_a_daily_digest_at_the_chosen_time_instead_of_one_email_each(three, smtp, emails, runtime):
    with runtime.db.transaction() as session:
        save_preferences(session, emails["cora"].user_id, ["task_assigned"], "digest", "17:00")
    first = start_case(runtime, emails["casey"])
    second = start_case(runtime, emails["casey"], customer_reference="C-2")
    notify_round(runtime.casework, runtime.clock.now())
    assert smtp.to("cora@example.org") == [] and len(smtp.to("casey@example.org")) == 2
    runtime.clock.set(runtime.clock.now().replace(hour=17, minute=0))  # 17:00 UTC is 17:00 in London in March
    notify_round(runtime.casework, runtime.clock.now())
    [digest] = smtp.to("cora@example.org")
    assert digest["Subject"] == "Your daily summary: 2 new task(s) for your team"
    assert first in body_of(digest) and second in body_of(digest)


def test_a_reassigned_task_tells_the_new_holder(three, smtp, emails, runtime):
    reference = start_case(runtime, emails["casey"])
    task = open_task(runtime, reference)
    inbox_actions.reassign(runtime.casework, emails["hana"], task.id,
                           {"assignee": str(emails["cora"].user_id), "reason": "Casey is on leave"})
    notify_round(runtime.casework, runtime.clock.now())
    assert f"Task assigned to you: First step on case {reference}" in smtp.subjects("cora@example.org")


def test_a_person_who_switches_a_notice_off_does_not_get_it(three, smtp, emails, runtime):
    with runtime.db.transaction() as session:
        save_preferences(session, emails["cora"].user_id, [], "off", "")
    reference = start_case(runtime, emails["casey"])
    task = open_task(runtime, reference)
    inbox_actions.reassign(runtime.casework, emails["hana"], task.id,
                           {"assignee": str(emails["cora"].user_id), "reason": "Casey is on leave"})
    notify_round(runtime.casework, runtime.clock.now())
    assert smtp.to("cora@example.org") == []


def test_an_overdue_task_is_notified_once_after_its_working_days(three, smtp, emails, runtime):
    reference = start_case(runtime, emails["casey"])
    task = open_task(runtime, reference)
    inbox_actions.claim(runtime.casework, emails["cora"], task.id)
    notify_round(runtime.casework, runtime.clock.now())
    smtp.messages.clear()
    runtime.clock.advance(days=5)  # Monday + 5 calendar days: still within 5 working days
    notify_round(runtime.casework, runtime.clock.now())
    assert smtp.messages == []
    runtime.clock.advance(days=3)  # past the end of the fifth working day
    notify_round(runtime.casework, runtime.clock.now())
    assert smtp.subjects("cora@example.org") == [f"Task overdue: First step on case {reference}"]
    runtime.clock.advance(days=1)
    notify_round(runtime.casework, runtime.clock.now())
    assert len(smtp.messages) == 1


def test_a_locked_account_is_notified_to_administrators(smtp, emails, runtime):
    for _ in range(5):
        check_password(runtime.casework, "casey", "not the password", runtime.clock.now(), runtime.settings.lockout())
    notify_round(runtime.casework, runtime.clock.now())
    assert smtp.subjects("adam@example.org") == ["Account locked: Casey Worker"]
    assert smtp.to("casey@example.org") == []


def test_the_webhook_gets_team_notices(three, smtp, emails, runtime, monkeypatch):
    posted = []
    monkeypatch.setattr("service.notifications.channels.urllib.request.urlopen",
                        lambda request, timeout: posted.append(request) or _Answer())
    runtime.settings.mail = Mail(host=runtime.settings.mail.host, port=runtime.settings.mail.port, starttls=False,
                                 webhook_url="https://example.org/teams-hook")
    reference = start_case(runtime, emails["casey"])
    notify_round(runtime.casework, runtime.clock.now())
    assert len(posted) == 1 and reference.encode() in posted[0].data


class _Answer:
    status = 200

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_notices_wait_in_the_outbox_with_the_step_until_the_worker_runs(three, emails, runtime):
    start_case(runtime, emails["casey"])
    with runtime.db.reading() as session:
        [notice] = session.scalars(select(Notification)).all()
        assert (notice.kind, notice.groups, notice.expanded_at) == ("group_task", ["caseworker"], None)
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_an_incident_in_the_process_tells_the_people_holding_the_case(three, smtp, emails, runtime):
    from service.cases.incidents import open_incident_apart
    from service.models import Case

    reference = start_case(runtime, emails["casey"])
    task = open_task(runtime, reference)
    inbox_actions.claim(runtime.casework, emails["cora"], task.id)
    notify_round(runtime.casework, runtime.clock.now())
    smtp.messages.clear()
    with runtime.db.reading() as session:
        instance_id = session.scalar(select(Case.instance_id).where(Case.reference == reference))
    open_incident_apart(runtime.casework, instance_id, kind="timer", message="The timer could not fire",
                        now=runtime.clock.now())
    notify_round(runtime.casework, runtime.clock.now())
    subject = f"Incident on case {reference}: the process needs attention"
    assert smtp.subjects("casey@example.org") == [subject]  # the case's owner
    assert smtp.subjects("cora@example.org") == [subject]  # holds a task on it
    assert smtp.to("hana@example.org") == []


def test_administrators_see_notices_that_could_not_be_sent_and_why(three, emails, runtime,
                                                                    client_request):  # noqa: F811
    start_case(runtime, emails["casey"])
    notify_round(runtime.casework, runtime.clock.now())
    client_request.login("casey").get("/admin/notifications", status=403)
    page = client_request.login("adam").get("/admin/notifications")
    assert "No mail relay is configured" in page.select_one(".govuk-warning-text").get_text()
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in page.select("#unsent tbody tr")]
    assert {row[3] for row in rows} == {"Casey Worker (email)", "Cora Caseworker (email)"}
    assert {row[4] for row in rows} == {"Cannot be sent"} and {row[5] for row in rows} == {
        "SMTP is not configured (SMTP_HOST)"}
