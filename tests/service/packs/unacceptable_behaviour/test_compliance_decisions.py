"""The compliance report's rules on decisions and letters: each breach made by direct SQL (as an
import or an older version could leave it) is found by its own rule and no other, in plain words."""

from __future__ import annotations

import json

from service.models import User
from service.packs.unacceptable_behaviour.compliance_letters import INTERNAL_FIELDS
from tests.bpmn import samples
from tests.service.audit_cases import appeal, open_case, restriction_case
from tests.service.history.tampering import tamper
from tests.service.packs.unacceptable_behaviour.test_compliance import _broken, _problems, _report
from workflows.forms import load_form


def _set_rendered_from(policy, letter, **changes) -> None:
    tamper(policy, ("UPDATE letters SET rendered_from = :data WHERE id = :id",
                    {"data": json.dumps({**letter.rendered_from, **changes}), "id": letter.id}))


def test_a_letter_dated_before_the_approval_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    tamper(policy, "UPDATE human_tasks SET completed_at = '2026-03-05 10:00:00+00:00' "
                   "WHERE form_key = 'approve_proposal'")
    report = _report(policy)
    assert _broken(report) == {"letter-after-approval": [journey.reference]}
    assert _problems(report, "letter-after-approval") == [
        "the decision letter is dated 2 March 2026, before the action was approved on 5 March 2026"]


def test_an_appeal_that_makes_a_restriction_end_later_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    appeal(policy, people, journey, "vary", varied_interventions=["single_communication_method"],
           varied_restrictions="Email only.", appeal_end_date_changed="yes", appeal_new_end_date="2026-12-31")
    # As an older version allowed: the variation set 2029, and its letter said so.
    tamper(policy, "UPDATE restrictions SET ends_on = '2029-01-01' WHERE status = 'active'")
    _set_rendered_from(policy, journey.letters()[-1], restriction_end="2029-01-01")
    report = _report(policy)
    assert _broken(report) == {"appeal-not-longer": [journey.reference]}
    assert _problems(report, "appeal-not-longer") == [
        "an appeal moved the end date from 2 March 2027 to 1 January 2029, making the restriction longer"]


def test_a_staff_only_detail_printed_in_a_letter_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    [letter] = journey.letters()
    approver_said = "Proportionate after informal steps."  # the approval's reasons (tests/bpmn/samples.py)
    _set_rendered_from(policy, letter, reasons=[*letter.rendered_from["reasons"], approver_said])
    report = _report(policy)
    assert _broken(report) == {"internal-details": [journey.reference]}
    assert _problems(report, "internal-details") == [
        "the decision letter of 2 March 2026 prints the approver's own reasons, which is for staff only"]


def test_a_second_appeal_on_the_same_decision_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    appeal(policy, people, journey, "uphold")
    columns = ("instance_id, case_id, element_id, name, lane, form_key, candidate_groups, status, assignee_id, "
               "due_at, created_at, claimed_at, completed_at, completed_by_id, data")
    tamper(policy, f"INSERT INTO human_tasks (id, {columns}) SELECT 'second-hearing', {columns} FROM human_tasks "
                   "WHERE form_key = 'appeal_decision'")
    report = _report(policy)
    assert _broken(report) == {"one-appeal": [journey.reference]}
    assert _problems(report, "one-appeal") == [
        "the decision letter of 2 March 2026 was appealed 2 times, but the appeal is the final internal stage"]


def test_a_crime_flagged_only_when_the_incident_was_recorded_still_needs_its_referral(policy, people):
    journey = open_case(policy, people["casey"])
    journey.do(people["casey"], "Task_AssessIncident", samples.assessment("isolated"))
    assert journey.case().status == "closed"
    tamper(policy, ("UPDATE incidents SET details = :details",
                    {"details": json.dumps({**samples.incident(), "crime_suspected": True})}))
    report = _report(policy)
    assert _broken(report) == {"police-referral": [journey.reference]}
    assert _problems(report, "police-referral") == [
        "a crime was suspected but no police referral was made before the case closed"]


def test_the_report_knows_every_staff_only_field_of_the_forms(policy):
    marked = {name for key in ("formal_proposal", "police_referral", "safeguarding_alert", "approve_proposal")
              for name, field in load_form(policy.settings.forms_dir, key).fields.items() if field.get("x-internal")}
    assert marked == set(INTERNAL_FIELDS)


def test_the_compliance_page_links_each_breach_to_its_case(policy, people, client):
    journey = restriction_case(policy, people)
    appeal(policy, people, journey, "uphold")
    tamper(policy, "UPDATE human_tasks SET completed_at = '2026-03-05 10:00:00+00:00' "
                   "WHERE form_key = 'approve_proposal'")
    with policy.db.reading() as db_session:
        epoch = db_session.get(User, people["audrey"].user_id).session_epoch
    with client.session_transaction() as session:
        now = policy.clock.now().timestamp()
        session.update(uid=people["audrey"].user_id, epoch=epoch, started=now, seen=now)
    page = client.get("/audit/compliance").get_data(as_text=True)
    assert "before the action was approved on 5 March 2026" in page
    assert f'href="/audit/cases/{journey.reference}"' in page
