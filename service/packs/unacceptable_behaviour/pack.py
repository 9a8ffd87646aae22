"""What the Unacceptable Behaviour Policy registers with the platform.

The pack's modules sit beside this one; this is the pack's interface to the platform.
"""

from __future__ import annotations

from service.packs.registry import DataSubjects, GroupSeed, Pack, PackRetention
from service.packs.unacceptable_behaviour import policy_records  # noqa: F401 - registers the policy's case event handlers
from service.packs.unacceptable_behaviour.anonymisation import anonymise_policy_records, restriction_refusals
from service.packs.unacceptable_behaviour.api_records import CASE_EXTRAS_SCHEMA, case_extras
from service.packs.unacceptable_behaviour.appeals import APPEAL_MESSAGE, refuse_second_appeal
from service.packs.unacceptable_behaviour.briefs import TASK_BRIEFS
from service.packs.unacceptable_behaviour.case_dates import policy_dates
from service.packs.unacceptable_behaviour.case_records_view import load_policy_records
from service.packs.unacceptable_behaviour.case_view import load_case_view, load_history_view
from service.packs.unacceptable_behaviour.customer_subject import CUSTOMER
from service.packs.unacceptable_behaviour.dao.case_dates_dao import incident_answers
from service.packs.unacceptable_behaviour.data_protection import search_customers
from service.packs.unacceptable_behaviour.date_rules import DATE_RULES
from service.packs.unacceptable_behaviour.demo import seed_demo_cases
from service.packs.unacceptable_behaviour.further_incidents import FURTHER_INCIDENT_EVENT
from service.packs.unacceptable_behaviour.guardrails import policy_problems
from service.packs.unacceptable_behaviour.letter_sections import FILE_QUESTIONS, LETTER_SECTIONS
from service.packs.unacceptable_behaviour.letter_signatures import ROLE_TITLES
from service.packs.unacceptable_behaviour.notices import NOTICE_TEXTS, reviews_coming_up
from service.packs.unacceptable_behaviour.policy_figures import audit_figures
from service.packs.unacceptable_behaviour.retention_facts import policy_retentions, restriction_holds
from service.packs.unacceptable_behaviour.retention_policy import SETTING, RetentionPolicy
from service.packs.unacceptable_behaviour.roles import CASEWORKERS, DECIDERS, STAFF_AND_AUDITORS

PROCESS_ID = "unacceptable_behaviour"

# The policy's lanes are named after jobs in its own words.
LANE_GROUPS = {
    "Caseworker": CASEWORKERS,
    "Head of Service or Executive": DECIDERS,
    "Independent reviewer": DECIDERS,
}

# What the case page says each person did: by the role their step records (``recordsActor``) ...
ROLE_WORDS = {
    "opener": "Recorded the incident",
    "proposer": "Proposed the formal action",
    "approver": "Approved the formal action",
    "letter_sender": "Sent the decision letter",
    "review_decider": "Reviewed the restriction",
    "reviewer": "Heard the appeal",
}
# ... or by their answer: "Returned the proposal for changes" is not "Approved".
DECISION_WORDS = {
    "approval_decision": {"approve": "Approved the formal action", "return": "Returned the proposal for changes",
                          "reject": "Rejected the proposal"},
    "review_decision": {"extend": "Extended the restriction at its review",
                        "lapse": "Let the restriction lapse at its review"},
}

PACK = Pack(
    name="unacceptable_behaviour",
    process_ids=(PROCESS_ID,),
    title="Unacceptable behaviour",
    groups=(
        GroupSeed("caseworker", "Caseworkers", "Record incidents and run cases day to day."),
        GroupSeed("head_of_service", "Heads of Service", "Approve formal action and hear appeals.", manages_work=True),
        GroupSeed("executive", "Executives", "Approve formal action and hear appeals.", manages_work=True),
    ),
    lane_groups=LANE_GROUPS,
    continuity_lanes=("Caseworker",),
    compliance_report=True,
    audit_pages=(("compliance.report", "Compliance with the policy",
                  "every case checked against the policy's rules, with figures for the Board."),),
    reference_prefix="UB",
    start_endpoint="policy_cases.record_incident",
    case_panels=tuple(f"packs/unacceptable_behaviour/{name}_panel.html"
                      for name in ("incidents", "restrictions", "letters")),
    case_view=load_case_view,
    summary_panels=("packs/unacceptable_behaviour/summary_panel.html",),
    summary_records=load_policy_records,
    message_pages={APPEAL_MESSAGE: ("policy_cases.record_appeal", "Record an appeal received")},
    role_words=ROLE_WORDS,
    decision_words=DECISION_WORDS,
    task_briefs={**TASK_BRIEFS, **LETTER_SECTIONS},
    file_questions=FILE_QUESTIONS,
    case_readers=STAFF_AND_AUDITORS,
    deploy_checks=(policy_problems,),
    message_checks=(refuse_second_appeal,),
    message_notices={APPEAL_MESSAGE: "appeal_received"},
    not_waiting={APPEAL_MESSAGE: "This case is not waiting for that now: an appeal can be recorded only while a "
                                 "restriction is in force and no other appeal or extension letter is in progress. "
                                 "Nothing was saved."},
    web_module="service.packs.unacceptable_behaviour.web",
    default_start=True,
    case_api_extras=case_extras,
    wording={
        "start_label": "Record an incident",
        "start_hint": "An incident of unacceptable behaviour by a customer towards staff.",
        "start_refused": "Only caseworkers can record an incident.",
        "excluded_actor": "the policy needs someone who was not part of that decision",
    },
    # --- data protection ---
    retention_holds=restriction_holds,
    anonymisation_refusals=restriction_refusals,
    anonymise_records=anonymise_policy_records,
    data_subjects=DataSubjects(
        search=search_customers, endpoint="customer_records.customer",
        heading="Subject access, correction and erasure", label="Customer reference or name",
        hint="Find the customer whose records you need to export, correct or erase.",
        button="Find the customer", none_found="No customer matches",
    ),
    # --- notifications, demo data and the menu ---
    notice_scans=(reviews_coming_up,),
    notice_texts=NOTICE_TEXTS,
    demo=seed_demo_cases,
    menu=(("customers.search", "Customers", STAFF_AND_AUDITORS),),
    # --- letters and dates ---
    audit_figures=audit_figures,
    record_answers=incident_answers,
    case_dates=policy_dates,
    # --- the case's subject, and what the case API and history add ---
    subject=CUSTOMER,
    case_api_schema=CASE_EXTRAS_SCHEMA,
    history_panels=("packs/unacceptable_behaviour/history_letters_panel.html",),
    history_view=load_history_view,
    # --- date rules ---
    date_rules=DATE_RULES,
    # --- the timeline's words ---
    timeline_words={
        "case_started": "Recorded an incident and opened the case",
        FURTHER_INCIDENT_EVENT: "Recorded a further incident",
        f"message_received:{APPEAL_MESSAGE}": "Recorded an appeal received",
    },
    group_words={"caseworker": "caseworkers", "head_of_service": "Heads of Service", "executive": "the Executive Team"},
    start_form_events=(FURTHER_INCIDENT_EVENT,),
    # --- who may do what ---
    role_titles=dict(ROLE_TITLES),
    message_senders={APPEAL_MESSAGE: CASEWORKERS},
    # --- retention ---
    retention=PackRetention(setting=SETTING, parse=RetentionPolicy.from_json, rules=RetentionPolicy.rules,
                            retentions=policy_retentions),
)
