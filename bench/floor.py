"""The engine's floor: the policy lifecycle on SpiffWorkflow in memory, no database and no HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import flows
from workflows.carried_answers import SUFFIX
from workflows.clock import FrozenClock
from workflows.definitions import parse_definitions
from workflows.engine import CaseEngine

ROOT = Path(__file__).resolve().parent.parent
# The policy's carried-forward questions (``x-carried-forward`` in its incident and assessment forms).
CARRIED = {"crime_suspected", "safeguarding_concern"}


def run_floor(seconds: float) -> dict:
    definition = parse_definitions((ROOT / "bpmn" / "unacceptable_behaviour.bpmn").read_bytes())[0]
    clock = FrozenClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    engine = CaseEngine(clock)
    letter = {"letter_contents": ["decision", "why", "what_it_means", "how_to_appeal", "end_date", "agreed_format"],
              "letter_sent_on": "2026-03-02", "letter_sent_by": "post"}
    answers = [flows.ASSESS, _booleans(flows.ADJUSTMENTS), flows.PROPOSAL, flows.APPROVAL, letter]
    cases = completions = 0
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    while time.monotonic() < deadline:
        clock.set(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
        workflow, _ = engine.start(definition, _booleans(flows._incident(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))))
        for data in answers:
            engine.complete_task(workflow, engine.ready_user_tasks(workflow)[0].id, _booleans(data))
            completions += 1
        clock.set(datetime(2027, 2, 2, 0, 0, 1, tzinfo=UTC))
        engine.fire_due_timers(workflow)
        engine.complete_task(workflow, engine.ready_user_tasks(workflow)[0].id, flows.REVIEW)
        clock.set(datetime(2027, 3, 2, 0, 0, 1, tzinfo=UTC) + timedelta(seconds=1))
        engine.fire_due_timers(workflow)
        engine.complete_task(workflow, engine.ready_user_tasks(workflow)[0].id,
                             {"ended_letter_sent_on": "2027-03-02", "ended_letter_sent_by": "post"})
        completions += 2
        if not engine.is_finished(workflow):
            raise RuntimeError("the in-memory lifecycle did not finish")
        cases += 1
    elapsed = time.monotonic() - started
    return {"cases_per_s": round(cases / elapsed, 1), "completions_per_s": round(completions / elapsed, 1),
            "note": "in memory: engine steps only, no state save/restore, no form validation"}


def _booleans(data: dict) -> dict:
    """Forms turn "yes"/"no" into booleans before the engine sees them, and add ``<field>_at_any_stage`` for a
    carried-forward question (``workflows.carried_answers``; the gateways read it); do the same here."""
    answers = {k: {"yes": True, "no": False}.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
    for name in CARRIED & answers.keys():
        answers[name + SUFFIX] = answers[name] is True
    return answers
