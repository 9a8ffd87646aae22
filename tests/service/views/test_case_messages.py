"""The case page lists the messages a case waits for; staff in the message's groups send each with its form."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.cases.cases import deliver_message, start_case
from service.cases.errors import NotAllowed
from service.models import ProcessInstance
from tests.service.conftest import deploy_fixture
from tests.service.views.conftest import text_of


@pytest.fixture
def waiting_case(runtime, people) -> str:
    deploy_fixture(runtime, "customer_reply.bpmn")
    return start_case(runtime.casework, people["casey"], {}, process_id="await_reply").reference


def _status(runtime, reference: str) -> str:
    with runtime.db.reading() as session:
        return session.scalars(select(ProcessInstance.status).where(ProcessInstance.business_key == reference)).one()


def test_the_case_page_lists_waiting_messages_and_offers_those_the_person_may_send(client_request, waiting_case):
    page = client_request.login("casey").get(f"/cases/{waiting_case}")
    listed = [text_of(li) for li in page.select(".ubp-waiting-messages li")]
    assert listed == ["Reply received (message ‘customer_reply’, from people who work on tasks)",
                      "Manager override (message ‘manager_override’, from head_of_service)"]
    buttons = [text_of(a) for a in page.select(".govuk-button-group a.govuk-button")]
    assert "Record ‘Reply received’" in buttons and "Record ‘Manager override’" not in buttons
    head = client_request.login("hana").get(f"/cases/{waiting_case}")
    assert {"Record ‘Manager override’", "Record ‘Reply received’"} <= {
        text_of(a) for a in head.select(".govuk-button-group a.govuk-button")}
    timers = [text_of(row) for row in page.select("#timers + table tbody tr")]
    assert timers == ["Reply deadline 16 March 2026 at 9:30am"]


def test_a_message_is_sent_from_its_form_and_bad_answers_are_shown_not_lost(client_request, runtime, waiting_case):
    client_request.login("casey")
    path = f"/cases/{waiting_case}/messages/customer_reply"
    form = client_request.get(path)
    assert form.select_one("input[name=accepted]") is not None
    refused = client_request.post_page(path, {"reply_note": "kept"})
    assert refused.select_one(".govuk-error-summary") is not None
    assert refused.select_one("input[name=reply_note]")["value"] == "kept"
    done = client_request.follow(client_request.post(path, {"accepted": "yes", "reply_note": "Fine"}))
    assert "‘Reply received’ recorded on the case." in text_of(done.main)
    assert _status(runtime, waiting_case) == "completed"


def test_a_message_without_a_form_is_only_confirmed_and_only_by_its_groups(client_request, runtime, waiting_case):
    path = f"/cases/{waiting_case}/messages/manager_override"
    client_request.login("casey")
    refused = client_request.follow(client_request.post(path, {}))
    assert "Only head_of_service may record ‘Manager override’." in text_of(refused.main)
    assert _status(runtime, waiting_case) == "running"
    client_request.login("hana")
    assert "Nothing else is asked." in text_of(client_request.get(path).main)
    client_request.follow(client_request.post(path, {}))
    assert _status(runtime, waiting_case) == "completed"
    gone = client_request.follow(client_request.post(path, {}))
    assert "not waiting for ‘Manager override’ now" in text_of(gone.main)


def test_a_message_whose_catch_event_names_no_groups_is_for_anyone_who_works_on_tasks(runtime, people,
                                                                                        waiting_case):
    # await_reply has no pack: its "Reply received" names no candidateGroups.
    with pytest.raises(NotAllowed) as refused:
        deliver_message(runtime.casework, people["audrey"], waiting_case, "customer_reply", {"accepted": "yes"})
    assert refused.value.message == "Only people who work on tasks may send ‘Reply received’."
    assert _status(runtime, waiting_case) == "running"
    deliver_message(runtime.casework, people["hana"], waiting_case, "customer_reply", {"accepted": "yes"})
    assert _status(runtime, waiting_case) == "completed"


def test_the_command_line_sends_a_message(app, runtime, people, waiting_case):
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["send-message", waiting_case, "customer_reply", "--as", "casey", "--data", "[]"])
    assert bad.exit_code != 0 and "must be a JSON object" in bad.output
    invalid = runner.invoke(args=["send-message", waiting_case, "customer_reply", "--as", "casey",
                                  "--data", '{"accepted": "maybe"}'])
    assert invalid.exit_code != 0 and "accepted" in invalid.output
    assert _status(runtime, waiting_case) == "running"
    done = runner.invoke(args=["send-message", waiting_case, "customer_reply", "--as", "casey",
                               "--data", '{"accepted": true}'])
    assert done.exit_code == 0, done.output
    assert f"{waiting_case}: customer_reply delivered." in done.output
    assert _status(runtime, waiting_case) == "completed"
