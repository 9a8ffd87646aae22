"""Path coverage of the diagrams: every sequence flow in ``bpmn/*.bpmn`` must be taken by a test.

Scenario tests report the flows they took with ``record``. At the end of the run a table of every
flow (taken yes/no) is printed, and the run fails if any flow was never taken. Under xdist each
worker hands its flows to the controller, which judges. The judgement is only made when every
scenario module in ``tests/bpmn`` was collected and none of its tests was deselected, so ``-k`` or
running a single file does not cause a false failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from workflows.definitions import NS

HERE = Path(__file__).resolve().parent
BPMN_DIR = HERE.parents[1] / "bpmn"

_TAKEN = pytest.StashKey[set[str]]()
_JUDGE = pytest.StashKey[bool]()
_RAN = pytest.StashKey[int]()


def record(config: pytest.Config, flows: list[str]) -> None:
    """Called once per scenario test with the flows it took."""
    config.stash[_RAN] = config.stash.get(_RAN, 0) + 1
    config.stash.setdefault(_TAKEN, set()).update(flows)


def all_flows() -> dict[str, str]:
    """Every sequence flow of every diagram in bpmn/, as id -> "source -> target (name)"."""
    flows = {}
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        for node in etree.parse(str(path)).iterfind(".//bpmn:sequenceFlow", NS):
            name = f" ({node.get('name')})" if node.get("name") else ""
            flows[node.get("id")] = f"{node.get('sourceRef')} -> {node.get('targetRef')}{name}"
    return flows


def _scenario_modules() -> set[Path]:
    return {p for p in HERE.glob("test_*.py") if "new_case" in p.read_text(encoding="utf-8")}


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(Path(str(item.path)).parent == HERE for item in items):
        items[0].config.stash[_JUDGE] = False


def pytest_collection_finish(session: pytest.Session) -> None:
    collected = {Path(str(item.path)) for item in session.items}
    config = session.config
    config.stash[_JUDGE] = config.stash.get(_JUDGE, True) and _scenario_modules() <= collected


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist: each worker reports the flows its scenarios took; the controller merges them."""
    output = getattr(node, "workeroutput", {})
    config = node.config
    config.stash.setdefault(_TAKEN, set()).update(output.get("ubp_taken_flows", []))
    config.stash[_RAN] = config.stash.get(_RAN, 0) + output.get("ubp_scenarios_ran", 0)
    config.stash[_JUDGE] = config.stash.get(_JUDGE, True) and output.get("ubp_judge", False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        config.workeroutput["ubp_taken_flows"] = sorted(config.stash.get(_TAKEN, set()))
        config.workeroutput["ubp_scenarios_ran"] = config.stash.get(_RAN, 0)
        config.workeroutput["ubp_judge"] = config.stash.get(_JUDGE, False)
        return
    if _judging(config) and _missing(config) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or not config.stash.get(_RAN, 0):
        return
    taken = config.stash.get(_TAKEN, set())
    flows = all_flows()
    write = terminalreporter.write_line
    terminalreporter.section("BPMN path coverage")
    for flow_id, description in flows.items():
        write(f"{'yes' if flow_id in taken else 'NO ':3}  {flow_id:34} {description}")
    missing = _missing(config)
    write(f"{len(flows) - len(missing)} of {len(flows)} sequence flows taken by the scenario tests")
    if not _judging(config):
        write("(not judged: only part of the scenario tests ran)")
    elif missing:
        write(f"FAILED: never taken: {', '.join(missing)}", red=True, bold=True)


def _judging(config: pytest.Config) -> bool:
    return bool(config.stash.get(_RAN, 0)) and config.stash.get(_JUDGE, False)


def _missing(config: pytest.Config) -> list[str]:
    taken = config.stash.get(_TAKEN, set())
    return [flow_id for flow_id in all_flows() if flow_id not in taken]
