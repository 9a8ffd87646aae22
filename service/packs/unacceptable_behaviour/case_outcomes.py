"""What happened on a closed policy case, in the words the case page, the customer page, the audit
search and its CSV show: "Closed: restriction ended", not the end event's bare "Case closed".

The policy's paths all meet at one end event (the police and safeguarding tasks must be done before
any case closes), so the outcome is read from the answers that chose the path, latest stage first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.dao import cases_dao
from service.people.actors import Actor
from service.processes.case_events import handles
from service.tasks.steps import StepContext

# (answer, value, outcome), latest stage of the policy first: the first that matches says how it ended.
OUTCOMES = (
    ("ended_letter_sent_on", None, "Closed: restriction ended"),
    ("appeal_outcome", "overturn", "Closed: restriction overturned on appeal"),
    ("approval_decision", "reject", "Closed: formal action not approved"),
    ("adjustments_outcome", "resolved", "Closed: resolved by reasonable adjustments"),
    ("informal_outcome", "resolved", "Closed: resolved informally"),
    ("assessment_outcome", "isolated", "Closed: isolated incident, no action under the policy"),
)
CLOSED = "Closed"


def policy_outcome(answers: Mapping[str, Any]) -> str:
    for name, value, outcome in OUTCOMES:
        given = answers.get(name)
        if given and (value is None or given == value):
            return outcome
    return CLOSED


@handles("case_closed")
def record_outcome(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    cases_dao.save_case_progress(ctx.session, ctx.case, outcome=policy_outcome(data))
