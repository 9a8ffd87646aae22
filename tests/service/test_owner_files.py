"""A folder of BPMN files written as process owners write them elsewhere, each deployed through the API and
either run to its end through the API or refused at deploy with a reason a process owner understands.

The files (tests/service/owner_files) use Camunda expressions, plain and manual tasks, generated task forms,
an event-based gateway with a message, date timers from forms, plain and quoted durations, a boundary
timer, DMN decision tables (one in FEEL with ranges, lists and negations), a call activity across files,
a recursive call, a Java service task, arithmetic in a condition and a mistyped duration. ``summary`` holds
the counts the issue asks for.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from service.tasks.timers import fire_due_batch

FOLDER = Path(__file__).parent / "owner_files"
FORMS = {path.stem: json.loads(path.read_text()) for path in (FOLDER / "forms").glob("*.json")}
DECISIONS = {path.name: path.read_text() for path in FOLDER.glob("*.dmn")}

# What a person (or a system) does with each deployed process, in order, to take one case to its end.
JOURNEYS = {
    "order_approval": [("start", {"amount": 5000, "priority": "high"}), ("complete", "Approve the order",
                                                                          {"approved": True})],
    "plain_tasks": [("start", {}), ("complete", "Confirm it is done", {})],
    "reply_or_deadline": [("start", {"replyBy": "2026-03-20"}), ("message", "customerReply", {"accepted": True})],
    "date_timer_from_form": [("start", {"replyBy": "2026-03-20"}), ("time", datetime(2026, 3, 20, tzinfo=UTC))],
    "durations": [("start", {}), ("time", timedelta(minutes=1, seconds=1)), ("complete", "Do the work", {})],
    "discount": [("start", {"tier": "gold"}), ("complete", "Check a big discount", {})],
    "identity_check": [("start", {})],
    "open_account": [("start", {}), ("complete", "Send the welcome pack", {})],
    "arrears_band": [("start", {"weeksInArrears": 6, "tenure": "secure"}), ("complete", "Visit the tenant", {})],
}
REFUSALS = {
    "08_recursive.bpmn": "a process cannot call itself",
    "09_java_service.bpmn": "only a Java engine can run",
    "10_arithmetic_condition.bpmn": "is not supported",
    "11_bad_duration.bpmn": "is not understood: write an ISO 8601 duration",
}


def _deploy(owner, path: Path):
    return owner.post("/deployments", json={"bpmn": path.read_text(), "forms": FORMS, "filename": path.name,
                                            "decision_tables": DECISIONS})


def _run(runtime, staff, process_id: str) -> dict:
    reference = None
    for step in JOURNEYS[process_id]:
        if step[0] == "start":
            started = staff.post(f"/cases?process={process_id}", json=step[1])
            assert started.status_code == 201, (process_id, started.json)
            reference = started.json["reference"]
        elif step[0] == "complete":
            task = next(t for t in staff.get(f"/cases/{reference}").json["open_tasks"] if t["name"] == step[1])
            assert staff.post(f"/tasks/{task['id']}/claim").status_code == 200
            done = staff.post(f"/tasks/{task['id']}/complete", json=step[2])
            assert done.status_code == 200, (process_id, done.json)
        elif step[0] == "message":
            sent = staff.post("/messages", json={"message_name": step[1], "business_key": reference,
                                                 "payload": step[2]})
            assert sent.status_code == 201, (process_id, sent.json)
        else:
            runtime.clock.set(step[1] if isinstance(step[1], datetime) else runtime.clock.now() + step[1])
            assert fire_due_batch(runtime.casework).fired == 1, process_id
    return staff.get(f"/cases/{reference}").json


def test_every_owner_file_runs_to_its_end_or_is_refused_with_a_reason(runtime, api_as):
    owner = api_as("process_owner")
    staff = api_as("caseworker", "head_of_service")
    summary = {"tried": 0, "deployed": 0, "run to end": 0, "refused": {}}
    for path in sorted(FOLDER.glob("*.bpmn")):
        summary["tried"] += 1
        answer = _deploy(owner, path)
        if answer.status_code == 422:
            summary["refused"][path.name] = "; ".join(p["message"] for p in answer.json["error"]["problems"])
            continue
        assert answer.status_code == 201, (path.name, answer.json)
        summary["deployed"] += 1
        for version in answer.json["versions"]:
            case = _run(runtime, staff, version["process_id"])
            assert case["status"] == "closed", (path.name, case)
            summary["run to end"] += 1
    print(json.dumps(summary, indent=2))
    assert (summary["tried"], summary["deployed"], summary["run to end"]) == (13, 9, 9)
    assert set(summary["refused"]) == set(REFUSALS)
    for name, words in REFUSALS.items():
        assert words in summary["refused"][name], (name, summary["refused"][name])
