"""Figures the Board and the Ombudsman ask for, from the rows the service keeps."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from sqlalchemy.orm import Session

from service.casework import Casework
from service.packs.registry import process_ids_where
from service.packs.unacceptable_behaviour.dao import compliance_dao
from workflows.calendar import london_date

APPEAL_FORM = "appeal_decision"
APPEAL_OUTCOMES = {"uphold": "Upheld", "overturn": "Overturned", "vary": "Varied"}


@dataclass(frozen=True)
class PolicyFigures:
    open_by_stage: list[tuple[str, int]]
    decisions: int  # cases with a decision letter
    median_days_to_decision: float | None  # from the first incident to the decision letter's date
    appeals_waiting: int
    appeal_outcomes: list[tuple[str, int]]
    active_restrictions: int
    restricted_customers: int
    overdue_tasks: int

    @property
    def open_cases(self) -> int:
        return sum(n for _, n in self.open_by_stage)

    @property
    def appeals_decided(self) -> int:
        return sum(n for _, n in self.appeal_outcomes)


def audit_figures(session: Session) -> list[tuple[str, int]]:
    """The policy's headline figure on the audit start page (``Pack.audit_figures``)."""
    return [("Restrictions in force", compliance_dao.count_active_restrictions(session)[0])]


def policy_figures(casework: Casework, now: datetime) -> PolicyFigures:
    with casework.db.reading() as session:
        by_stage = compliance_dao.open_cases_by_stage(session, process_ids_where("compliance_report"))
        days = [
            (date.fromisoformat(letter["letter_date"]) - london_date(incident_at)).days
            for incident_at, letter in compliance_dao.first_incident_and_decision(session)
        ]
        appeals = compliance_dao.task_answers(session, APPEAL_FORM)
        restrictions, customers = compliance_dao.count_active_restrictions(session)
        overdue = compliance_dao.count_overdue_tasks(session, now)
    outcomes = Counter((data or {}).get("appeal_outcome") for status, data in appeals if status == "completed")
    return PolicyFigures(
        open_by_stage=[(stage or "No current step", n) for stage, n in by_stage],
        decisions=len(days),
        median_days_to_decision=median(days) if days else None,
        appeals_waiting=sum(1 for status, _ in appeals if status == "open"),
        appeal_outcomes=[(APPEAL_OUTCOMES.get(k, str(k)), outcomes[k]) for k in APPEAL_OUTCOMES if outcomes[k]],
        active_restrictions=restrictions,
        restricted_customers=customers,
        overdue_tasks=overdue,
    )
