"""One case's worth of API calls for each benchmark scenario (module-level, so client processes can run them)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from workflows.calendar import add_months

API = "/api/v1"


def _reference() -> str:
    return f"B-{uuid.uuid4().hex[:12]}"


def three_tasks(clients, deadline: float) -> bool:
    """The plainest process: start, then complete three user tasks assigned to the caller."""
    client = clients["caseworker"]
    status, body = client.call("start", "POST", f"{API}/cases?process=bench_three_tasks",
                               {"customer_reference": _reference()})
    if status != 201:
        return False
    next_tasks = body["next_tasks"]
    for step in range(3):
        if not next_tasks:
            return False
        status, body = client.call("complete", "POST", f"{API}/tasks/{next_tasks[0]['id']}/complete",
                                   {"note": f"step {step + 1}"})
        if status != 200:
            return False
        next_tasks = body["next_tasks"]
    return True


def _today() -> datetime:
    return datetime.now(UTC)


def _incident(occurred: datetime) -> dict:
    # A new customer each time, with the address a letter by post needs.
    return {"new_customer": "yes", "customer_name": f"Bench customer {_reference()}", "preferred_channel": "post",
            "correspondence_address": "1 Bench Street\nTrowbridge\nBA14 8AA",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "channels": ["telephone"], "behaviour_categories": ["aggressive_intimidating_abusive"],
            "violence_or_threats": "no", "what_happened": "Shouted and swore at the call handler.",
            "staff_affected": "Call handler", "crime_suspected": "no", "safeguarding_concern": "no"}


ASSESS = {"assessment_outcome": "severe", "assessment_reasons": "Repeated abuse.", "crime_suspected": "no",
          "safeguarding_concern": "no"}
ADJUSTMENTS = {"customer_asked": "yes", "customer_request": "None needed.", "adjustments_considered": ["none"],
               "vulnerability_considerations": "None known.", "letter_format": "standard",
               "adjustments_outcome": "formal_action_needed"}
PROPOSAL = {"interventions": ["single_communication_method"], "contact_method": "email",
            "behaviour_categories": ["aggressive_intimidating_abusive"], "violence_or_threats": "no",
            "proposal_reasons": "Abuse continued after a warning.", "what_it_means": "Contact us by email only."}
APPROVAL = {"approval_decision": "approve", "approval_reasons": "Proportionate."}
REVIEW = {"review_decision": "lapse", "review_reasons": ""}


def _claim_and_complete(client, task_id: str, answers: dict):
    status, _ = client.call("claim", "POST", f"{API}/tasks/{task_id}/claim")
    if status != 200:
        return None
    status, body = client.call("complete", "POST", f"{API}/tasks/{task_id}/complete", answers)
    return body if status == 200 else None


def _wait_for_task(client, reference: str, deadline: float):
    """A timer opens the next task: look for it (the worker polls every 0.2 s)."""
    while time.monotonic() < deadline + 30:
        status, body = client.call("poll", "GET", f"{API}/cases/{reference}")
        if status == 200 and body["open_tasks"]:
            return body["open_tasks"][0]["id"]
        time.sleep(0.1)
    return None


def policy_lifecycle(clients, deadline: float) -> bool:
    """A whole policy case: incident to restriction, its review and expiry timers fired by the worker, closed.

    The letter is dated 13 months ago so that the review and end dates have already passed and the
    worker fires both timers straight away.
    """
    caseworker, head = clients["caseworker"], clients["head_of_service"]
    letter_on = add_months((_today() - timedelta(days=2)).date(), -13)
    status, body = caseworker.call("start", "POST", f"{API}/cases", _incident(_today() - timedelta(days=400)))
    if status != 201:
        return False
    reference = body["reference"]
    steps = [(caseworker, ASSESS), (caseworker, ADJUSTMENTS), (caseworker, PROPOSAL), (head, APPROVAL),
             (caseworker, {"letter_contents": ["decision", "why", "what_it_means", "how_to_appeal", "end_date",
                                               "agreed_format"],
                           "letter_sent_on": letter_on.isoformat(), "letter_sent_by": "post"})]
    for client, answers in steps:
        body = _claim_and_complete(client, body["next_tasks"][0]["id"], answers)
        if body is None:
            return False
    review = _wait_for_task(head, reference, deadline)
    if review is None or _claim_and_complete(head, review, REVIEW) is None:
        return False
    ended = _wait_for_task(caseworker, reference, deadline)
    sent = {"ended_letter_sent_on": _today().date().isoformat(), "ended_letter_sent_by": "post"}
    return ended is not None and _claim_and_complete(caseworker, ended, sent) is not None


def loop_case(client, steps: int) -> list[float]:
    """Complete ``steps`` informal contacts on one case; returns each completion's latency in ms."""
    status, body = client.call("start", "POST", f"{API}/cases?process=bench_loop", {"customer_reference": _reference()})
    task = body["next_tasks"][0]["id"]
    latencies = []
    for step in range(steps):
        before = len(client.latencies["complete"])
        status, body = client.call("complete", "POST", f"{API}/tasks/{task}/complete",
                                   {"note": f"contact {step}", "again": step < steps - 1})
        latencies.append(client.latencies["complete"][before] if status == 200 else float("nan"))
        if step < steps - 1:
            task = body["next_tasks"][0]["id"]
    return latencies
