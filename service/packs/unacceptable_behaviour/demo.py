"""The policy's demo customers and cases at different stages (``Pack.demo``), driven through the real casework
services.

Nothing here writes rows directly: every case got where it is the way a person would get it there,
so the demo's inbox, timelines, restrictions and letters are exactly what the product produces.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from service.cases.cases import complete_task, deliver_message, start_case
from service.casework import Casework
from service.dao import cases_dao
from service.models import HumanTask
from service.packs.unacceptable_behaviour.appeals import APPEAL_MESSAGE
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.people.actors import Actor
from service.tasks import inbox_actions
from workflows.calendar import london_date

# The process the demo cases run (the pack's, named here as pack.py cannot be imported from its own modules).
DEMO_PROCESS = "unacceptable_behaviour"


def _incident(reference: str, name: str, what: str, **changes) -> dict:
    return {
        "new_customer": "no", "customer_reference": reference, "occurred_at": "{yesterday}T09:05",
        "channels": ["telephone"], "behaviour_categories": ["aggressive_intimidating_abusive"],
        "violence_or_threats": "no", "what_happened": what, "staff_affected": "Customer services adviser",
        "crime_suspected": "no", "safeguarding_concern": "no", **changes,
    }


def seed_demo_cases(casework: Casework, people: dict[str, Actor]) -> Iterator[str]:
    """Six customers' cases, from an incident just recorded to a restriction under appeal, started and moved
    on by the platform's demo people (``caseworker``, ``head``)."""
    # London's calendar, as the forms' date rules read it; the incidents happened yesterday morning, so
    # that seeding at any time of day records nothing later than now.
    today = london_date(casework.clock.now())
    demo = _Demo(casework, people, today.isoformat())
    demo.case("SH-100231", "Jordan Ellis", "Shouted at the repairs call handler and swore repeatedly.")
    demo.case("SH-100877", "Priya Nair", "Sent 40 emails in two days chasing the same repair.",
              steps=[("caseworker", "Task_AssessIncident", demo.assessment("informal"))], leave_claimed="caseworker")
    demo.case("SH-101502", "Morgan Blake", "Threatened a surveyor at the door.", steps=[
        ("caseworker", "Task_AssessIncident", demo.assessment("severe")),
        ("caseworker", "Task_OfferAdjustments", demo.adjustments()),
        ("caseworker", "Task_ProposeFormalAction", demo.proposal()),
    ])
    demo.case("SH-102044", "Taylor Reed", "Abusive calls to several staff over a month.", steps=[
        ("caseworker", "Task_AssessIncident", demo.assessment("severe")),
        ("caseworker", "Task_OfferAdjustments", demo.adjustments()),
        ("caseworker", "Task_ProposeFormalAction", demo.proposal()),
        ("head", "Task_ApproveProposal", {"approval_decision": "approve",
                                          "approval_reasons": "Proportionate: abuse continued after a warning."}),
        ("caseworker", "Task_SendDecisionLetter", demo.letter()),
    ])
    demo.case("SH-103311", "Riley Shaw", "Posted a video of a call with a named officer on social media.",
              incident={"behaviour_categories": ["harassment"], "channels": ["social_media"]}, steps=[
        ("caseworker", "Task_AssessIncident", demo.assessment("severe")),
        ("caseworker", "Task_OfferAdjustments", demo.adjustments()),
        ("caseworker", "Task_ProposeFormalAction", demo.proposal()),
        ("head", "Task_ApproveProposal", {"approval_decision": "approve", "approval_reasons": "Harassment of staff."}),
        ("caseworker", "Task_SendDecisionLetter", demo.letter()),
    ], appeal=True)
    demo.case("SH-104090", "Sam Okafor", "Raised voice once on a call about a boiler; apologised straight away.",
              steps=[("caseworker", "Task_AssessIncident", demo.assessment("isolated"))])
    yield from demo.lines


class _Demo:
    def __init__(self, casework: Casework, people: dict[str, Actor], today: str) -> None:
        self.casework, self.people, self.today = casework, people, today
        self.yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
        self.lines: list[str] = ["Demo cases:"]

    def assessment(self, outcome: str) -> dict:
        return {"assessment_outcome": outcome, "assessment_reasons": "Listened to the call recording.",
                "crime_suspected": "no", "safeguarding_concern": "no"}

    def adjustments(self) -> dict:
        return {"customer_asked": "yes", "customer_request": "Letters in large print.",
                "adjustments_considered": ["large_print", "clear_warnings"],
                "adjustments_offered": ["large_print", "clear_warnings"], "adjustments_agreed": ["large_print"],
                "vulnerability_considerations": "No vulnerability known beyond a visual impairment.",
                "letter_format": "large_print", "adjustments_outcome": "formal_action_needed"}

    def proposal(self) -> dict:
        return {"interventions": ["single_point_of_contact", "single_communication_method"],
                "contact_person": "Sam Patel, Customer Liaison Officer", "contact_method": "email",
                "behaviour_categories": ["aggressive_intimidating_abusive"], "violence_or_threats": "no",
                "proposal_reasons": "Abuse of staff continued after a clear warning and adjustments.",
                "what_it_means": "Contact us by email only, through your named contact."}

    def letter(self) -> dict:
        return {"letter_contents": ["decision", "why", "what_it_means", "how_to_appeal", "end_date", "agreed_format"],
                "letter_sent_on": self.today, "letter_sent_by": "post"}

    def case(self, reference: str, name: str, what: str, *, steps=(), incident=None, leave_claimed=None,
             appeal=False) -> None:
        data = {k: (v.format(today=self.today, yesterday=self.yesterday) if isinstance(v, str) else v)
                for k, v in _incident(reference, name, what, **(incident or {})).items()}
        started = start_case(self.casework, self.people["caseworker"], data, process_id=DEMO_PROCESS)
        self._name_customer(reference, name)
        for who, element, answers in steps:
            self._complete(started.reference, self.people[who], element, answers)
        if appeal:
            deliver_message(self.casework, self.people["caseworker"], started.reference, APPEAL_MESSAGE, {
                "appeal_received_on": self.today, "appeal_received_via": "letter",
                "appeal_grounds": "The customer says the video did not identify anyone."})
        if leave_claimed:
            inbox_actions.claim(self.casework, self.people[leave_claimed], self._open(started.reference).id)
        with self.casework.db.reading() as session:
            stage = cases_dao.get_case_by_reference(session, started.reference).stage
        self.lines.append(f"  {started.reference}  {name:<14} {stage}")

    def _name_customer(self, reference: str, name: str) -> None:
        with self.casework.db.transaction() as session:
            customer = customers_dao.get_customer_by_reference(session, reference)
            customer.name = name
            customer.address = ["1 Demo Street", "Melksham", "SN12 6AA"]

    def _open(self, reference: str) -> HumanTask:
        with self.casework.db.reading() as session:
            case = cases_dao.get_case_by_reference(session, reference)
            return session.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                           HumanTask.status == "open")).first()

    def _complete(self, reference: str, actor: Actor, element: str, answers: dict) -> None:
        task = self._open(reference)
        if task.element_id != element:
            raise RuntimeError(f"demo expected {element} on {reference}, found {task.element_id}")
        inbox_actions.claim(self.casework, actor, task.id)
        complete_task(self.casework, actor, task.id, answers)
