"""The policy's records beside a task: incidents, adjustments and the customer's restrictions in force.

Loaded inside the platform's case-summary read (``Pack.summary_records``) and read by the policy's summary
panel, its decision briefs and its further-incident page; the platform's summary holds it as ``records``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from service.history.timeline import version_form
from service.models import Case, ProcessVersion
from service.packs.unacceptable_behaviour.customer_subject import CUSTOMER_QUESTIONS
from service.packs.unacceptable_behaviour.dao import records_dao
from service.packs.unacceptable_behaviour.models import Adjustment, Incident, Restriction
from workflows.definitions import ProcessDefinition
from workflows.forms import FormSchema


@dataclass(frozen=True)
class PolicyRecords:
    incidents: Sequence[Incident]
    adjustments: Sequence[Adjustment]
    active_restrictions: Sequence[Restriction]
    incident_form: FormSchema | None

    def incident_answers(self, incident: Incident) -> dict[str, Any]:
        """What was asked about an incident, without the questions about who the customer is."""
        asked = self.incident_form.fields if self.incident_form else {}
        answers = {k: v for k, v in (incident.details or {}).items() if k in asked and k not in CUSTOMER_QUESTIONS}
        return {**answers, "what_happened": incident.description} if incident.description else answers


def load_policy_records(session: Session, case: Case, version: ProcessVersion,
                        definition: ProcessDefinition) -> PolicyRecords:
    return PolicyRecords(
        incidents=records_dao.list_incidents(session, case.id),
        adjustments=records_dao.list_adjustments(session, case.id),
        active_restrictions=records_dao.list_active_restrictions_of_customer_of(session, case.id),
        incident_form=version_form(version, definition.start_form_key),
    )
