"""Stored workflow state moves forward when it is loaded, one version at a time.

This is SpiffWorkflow's own way (``SpiffWorkflow.bpmn.serializer.migration.version_migration``): a
table from each old version to a function that rewrites the serialized dict into the next version.
A state's version is the pair (our compact format, SpiffWorkflow's serializer version), both written
by ``workflows.state.dump_state``. When either changes, add an entry here from the old pair and a
state fixture under tests/workflows/fixtures/states/ written by the new code; the old fixtures stay
and must keep loading.

A state with no path forward (unknown, or written by a newer release) raises UnmigratableState; the
service reports that case as needing attention instead of failing every page.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_FORMAT

STATE_FORMAT = 1
StateVersion = tuple[int, str]
CURRENT: StateVersion = (STATE_FORMAT, SPIFF_FORMAT)


class IncompatibleStateError(ValueError):
    """Stored state was written by a serializer this code cannot read."""


class UnmigratableState(IncompatibleStateError):
    """No migration leads from the stored state's version to this code's."""

    def __init__(self, version: StateVersion) -> None:
        super().__init__(f"stored workflow state {version[0]}/{version[1]} cannot be brought to "
                         f"{CURRENT[0]}/{CURRENT[1]}: no migration is known from it")
        self.version = version


@dataclass(frozen=True)
class Migration:
    target: StateVersion
    upgrade: Callable[[dict[str, Any]], None]  # rewrites the state's "workflow" dict in place
    why: str


def _spiff_1_4_to_1_5(workflow: dict[str, Any]) -> None:
    # SpiffWorkflow's from_version_1_4 rewrites only the task specs of event-based gateways' children.
    # A compact state holds no spec (the deployed version's diagram is parsed afresh by today's
    # code), so the tasks are already what 1.5 expects.
    return None


MIGRATIONS: dict[StateVersion, Migration] = {
    (1, "1.4"): Migration((1, "1.5"), _spiff_1_4_to_1_5, "SpiffWorkflow 3.1's serializer (1.4) to 3.2's (1.5)"),
}


def state_version(state: Mapping[str, Any]) -> StateVersion:
    return (state.get("format"), state.get("spiff"))  # type: ignore[return-value]


def upgrade_state(state: Mapping[str, Any],
                  migrations: Mapping[StateVersion, Migration] = MIGRATIONS) -> Mapping[str, Any]:
    """``state`` at this code's version: as given if already there, else an upgraded copy (never mutated)."""
    version = state_version(state)
    if version == CURRENT:
        return state
    upgraded = {**state, "workflow": copy.deepcopy(state["workflow"])} if "workflow" in state else dict(state)
    seen = set()
    while version != CURRENT:
        migration = migrations.get(version)
        if migration is None or version in seen or "workflow" not in upgraded:
            raise UnmigratableState(state_version(state))
        seen.add(version)
        migration.upgrade(upgraded["workflow"])
        version = migration.target
        upgraded["format"], upgraded["spiff"] = version
    return upgraded
