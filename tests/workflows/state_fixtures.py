"""Writes the state fixtures that tests/workflows/test_state_migrations.py loads on every run.

Run it only when the stored state's version changes (workflows/state_migrations.py), to add fixtures
for the new version beside the old ones; never rewrite the old ones, which stand for cases saved by
earlier releases::

    .venv/bin/python -m tests.workflows.state_fixtures
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from tests.bpmn import samples
from tests.bpmn.conftest import DIAGRAM, Case
from tests.bpmn.journeys import impose_restriction, reach_proposal
from workflows import clock as clocks
from workflows.clock import FrozenClock
from workflows.definitions import parse_definitions
from workflows.engine import CaseEngine
from workflows.state_migrations import CURRENT

FIXTURES = Path(__file__).parent / "fixtures" / "states"


def _started(case: Case) -> None:
    case.start()


def _awaiting_approval(case: Case) -> None:
    reach_proposal(case)
    case.complete("Task_ProposeFormalAction", samples.proposal())


def _restriction_in_force(case: Case) -> None:
    impose_restriction(case, case.today())


def _appeal_received(case: Case) -> None:
    impose_restriction(case, case.today())
    case.set_time(datetime(2026, 6, 1, 10, tzinfo=UTC))
    case.appeal()


STAGES = {"started": _started, "awaiting_approval": _awaiting_approval,
          "restriction_in_force": _restriction_in_force, "appeal_received": _appeal_received}


def write_fixtures() -> list[Path]:
    version = f"{CURRENT[0]}-{CURRENT[1]}"
    diagram = FIXTURES / f"unacceptable_behaviour-state-{version}.bpmn"
    shutil.copyfile(DIAGRAM, diagram)
    definition = parse_definitions(diagram.read_bytes(), diagram.name)[0]
    written = []
    try:
        for stage, drive in STAGES.items():
            clock = FrozenClock(datetime(2026, 1, 31, 11, tzinfo=UTC))
            case = Case(CaseEngine(clock), definition, clock, round_trip=True)
            drive(case)
            path = FIXTURES / f"state-{version}-{stage}.json"
            path.write_text(json.dumps({
                "written_by": {"state_version": list(CURRENT),
                               "spiffworkflow": importlib.metadata.version("spiffworkflow")},
                "diagram": diagram.name,
                "clock": clock.now().isoformat(),
                "ready": case.ready(),
                "waiting": case.waiting(),
                "state": case.engine.dump(case.workflow),
            }, indent=1, sort_keys=True) + "\n")
            written.append(path)
    finally:
        clocks.install(clocks.SystemClock())
    return written


if __name__ == "__main__":
    for written_path in write_fixtures():
        print(written_path)
