"""The compliance report: cases run through the policy keep every rule; each crafted breach is
flagged by its own rule and no other. Breaches are made by altering rows directly, where the
service itself would refuse (as an import or an older version could leave them), decisions and letters alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from service.models import User
from service.packs.unacceptable_behaviour.compliance import check_all_cases, lifting_grace
from service.packs.unacceptable_behaviour.compliance_letters import INTERNAL_FIELDS
from service.packs.unacceptable_behaviour.policy_figures import policy_figures
from tests.bpmn import samples
from tests.service.audit_cases import appeal, open_case, referral_case, restriction_case, run_to_expiry
from tests.service.history.tampering import ids_of, tamper
from workflows.forms import load_form


def _report(runtime):
    return check_all_cases(runtime.casework, runtime.clock.now(), lifting_grace(runtime.settings.worker_poll_seconds))


def _broken(report) -> dict[str, list[str]]:
    """Rule key -> the cases breaking it."""
    return {r.rule.key: [b.reference for b in r.breaches] for r in report.results if r.breaches}


def _problems(report, key: str) -> list[str]:
    [result] = [r for r in report.results if r.rule.key == key]
    return [p for b in result.breaches for p in b.problems]


def test_cases_run_through_the_policy_keep_every_rule(policy, people):
    run_to_expiry(policy, people, restriction_case(policy, people, "SH-000001"))
    appealed = restriction_case(policy, people, "SH-000002", letter_on="2027-03-02")
    appeal(policy, people, appealed, "vary", on="2027-03-02", varied_interventions=["single_communication_method"],
           varied_restrictions="Email on weekdays only.", appeal_end_date_changed="yes",
           appeal_new_end_date="2027-12-31")
    referral_case(policy, people, "crime_suspected")
    referral_case(policy, people, "safeguarding_concern")
    report = _report(policy)
    assert _broken(report) == {}
    checked = {r.rule.key: r.checked for r in report.results}
    assert checked == {"approval": 2, "decision-letter": 2, "twelve-months": 2, "independent-appeal": 1,
                       "lifted-on-time": 1, "adjustments-first": 2, "police-referral": 1, "safeguarding-alert": 1,
                       "letter-after-approval": 2, "appeal-not-longer": 1, "internal-details": 2, "one-appeal": 1}


def test_an_approver_who_proposed_the_action_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    case_id, _ = ids_of(policy, journey.reference)
    tamper(policy, f"INSERT INTO case_actors (case_id, role, user_id, at) VALUES "
                   f"({case_id}, 'approver', {people['casey'].user_id}, '2026-03-02 12:00:00+00:00')")
    report = _report(policy)
    assert _broken(report) == {"approval": [journey.reference]}
    assert _problems(report, "approval") == ["approved by Casey Worker, who is not a Head of Service or Executive",
                                             "approved by Casey Worker, who also proposed it"]


def test_an_approver_who_is_not_a_head_of_service_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    tamper(policy, f"UPDATE case_actors SET user_id = {people['cora'].user_id} WHERE role = 'approver'")
    assert _problems(_report(policy), "approval") == [
        "approved by Cora Caseworker, who is not a Head of Service or Executive"]
    assert _broken(_report(policy)) == {"approval": [journey.reference]}


def test_a_restriction_starting_on_another_day_than_its_letter_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    tamper(policy, "UPDATE restrictions SET starts_on = '2026-03-03'")
    report = _report(policy)
    assert _broken(report) == {"decision-letter": [journey.reference]}
    assert "started on 2026-03-03 with no decision letter of that date" in _problems(report, "decision-letter")[0]


def test_a_decision_letter_missing_a_required_element_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    case_id, _ = ids_of(policy, journey.reference)
    [letter] = journey.letters()
    rendered_from = {**letter.rendered_from, "what_it_means": []}
    tamper(policy, ("UPDATE letters SET rendered_from = :data WHERE id = :id",
                    {"data": json.dumps(rendered_from), "id": letter.id}))
    report = _report(policy)
    assert _broken(report) == {"decision-letter": [journey.reference]}
    assert _problems(report, "decision-letter") == [
        "the letter of 2026-03-02 does not say what the decision means for the customer"]


def test_an_end_date_a_day_out_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    tamper(policy, "UPDATE restrictions SET ends_on = '2027-03-03'")
    report = _report(policy)
    assert _broken(report) == {"twelve-months": [journey.reference]}
    assert _problems(report, "twelve-months") == [
        "a restriction ends on 2027-03-03, not 12 months after the letter of 2026-03-02 (2027-03-02)"] * 2


def test_a_varied_end_date_other_than_the_appeal_letter_said_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    appeal(policy, people, journey, "vary", varied_interventions=["single_communication_method"],
           varied_restrictions="Email only.", appeal_end_date_changed="yes", appeal_new_end_date="2026-12-31")
    tamper(policy, "UPDATE restrictions SET ends_on = '2027-01-31' WHERE status = 'active'")
    report = _report(policy)
    assert _broken(report) == {"twelve-months": [journey.reference]}
    assert "not the date the appeal outcome letter gave (2026-12-31)" in _problems(report, "twelve-months")[0]


def test_an_appeal_heard_by_the_approver_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    appeal(policy, people, journey)
    tamper(policy, f"UPDATE case_actors SET user_id = {people['hana'].user_id} WHERE role = 'reviewer'")
    report = _report(policy)
    assert _broken(report) == {"independent-appeal": [journey.reference]}
    assert _problems(report, "independent-appeal") == [
        "the appeal was heard by Hana Head, who was part of the decision"]


@pytest.mark.parametrize("role", ["proposer", "letter_sender"])
def test_an_appeal_heard_by_anyone_else_in_the_decision_is_flagged(policy, people, role):
    journey = restriction_case(policy, people)
    appeal(policy, people, journey)
    tamper(policy, "UPDATE case_actors SET user_id = (SELECT user_id FROM case_actors WHERE role = "
                   f"'{role}') WHERE role = 'reviewer'")
    report = _report(policy)
    assert _broken(report) == {"independent-appeal": [journey.reference]}
    [part_of_it] = [p for p in _problems(report, "independent-appeal") if "part of the decision" in p]
    assert part_of_it.startswith("the appeal was heard by ")


def test_a_restriction_lifted_late_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    run_to_expiry(policy, people, journey)
    tamper(policy, "UPDATE restrictions SET ended_at = '2027-03-02 09:00:00+00:00'")
    report = _report(policy)
    assert _broken(report) == {"lifted-on-time": [journey.reference]}
    assert _problems(report, "lifted-on-time")[0] == (
        "a restriction ending on 2027-03-02 was lifted at 2027-03-02 09:00")


def test_a_restriction_still_in_force_after_its_end_date_is_flagged(policy, people):
    journey = restriction_case(policy, people)
    policy.clock.set(datetime(2027, 3, 2, 0, 0, tzinfo=UTC) + lifting_grace(policy.settings.worker_poll_seconds)
                     + timedelta(seconds=1))  # the worker never ran
    report = _report(policy)
    assert _broken(report) == {"lifted-on-time": [journey.reference]}
    assert _problems(report, "lifted-on-time")[0] == "a restriction that ended on 2027-03-02 is still in force"


def test_a_restriction_lifted_within_the_grace_is_not_flagged(policy, people):
    journey = restriction_case(policy, people)
    run_to_expiry(policy, people, journey)  # lifted one second after its end date started
    assert _broken(_report(policy)) == {}


@pytest.mark.parametrize(("statement", "problem"), [
    ("DELETE FROM adjustments", "formal action was proposed with no reasonable adjustments recorded"),
    ("UPDATE adjustments SET recorded_at = '2026-03-02 23:00:00+00:00'",
     "reasonable adjustments were first recorded at 2026-03-02 23:00, after the proposal at 2026-03-02 12:30"),
])
def test_adjustments_not_considered_before_the_proposal_are_flagged(policy, people, statement, problem):
    journey = restriction_case(policy, people)
    tamper(policy, statement)
    report = _report(policy)
    assert _broken(report) == {"adjustments-first": [journey.reference]}
    assert _problems(report, "adjustments-first") == [problem]


@pytest.mark.parametrize(("flag", "form_key", "rule"), [
    ("crime_suspected", "police_referral", "police-referral"),
    ("safeguarding_concern", "safeguarding_alert", "safeguarding-alert"),
])
def test_a_missing_referral_is_flagged(policy, people, flag, form_key, rule):
    journey = referral_case(policy, people, flag)
    assert journey.case().status == "closed"
    tamper(policy, f"UPDATE human_tasks SET status = 'cancelled', completed_at = NULL WHERE form_key = '{form_key}'")
    report = _report(policy)
    assert _broken(report) == {rule: [journey.reference]}
    assert _problems(report, rule)[0].endswith("before the case closed")


def test_the_figures_for_the_board(policy, people):
    first = restriction_case(policy, people, "SH-000001")
    appeal(policy, people, first, "uphold")
    restriction_case(policy, people, "SH-000002")
    referral_case(policy, people, "crime_suspected")
    figures = policy_figures(policy.casework, policy.clock.now())
    assert figures.active_restrictions == 4 and figures.restricted_customers == 2
    assert figures.median_days_to_decision == 0 and figures.decisions == 2
    assert figures.appeal_outcomes == [("Upheld", 1)] and figures.appeals_waiting == 0
    assert figures.open_cases == 2 and figures.overdue_tasks == 0
    policy.clock.advance(days=30)
    assert policy_figures(policy.casework, policy.clock.now()).overdue_tasks == 0  # waiting on timers, not people


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
