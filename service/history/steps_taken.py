"""Where a case went, step by step, read from its audit chain (each step recorded the elements it completed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.dao import engine_rest_dao, instances_dao
from service.dao.engine_rest_dao import StepEvent
from service.dao.process_scope import ProcessScope
from service.models import ProcessVersion

if TYPE_CHECKING:
    from service.casework import Casework


@dataclass(frozen=True)
class StepsTaken:
    version: ProcessVersion
    steps: list[StepEvent]  # oldest first


def steps_taken(casework: Casework, reference: str, scope: ProcessScope = ProcessScope()) -> StepsTaken | None:
    """The case's version and the audit events that record where it went; None if there is no such case (or it
    is a case of a process outside ``scope``: the processes a reader may see)."""
    with casework.db.reading() as session:
        instance = instances_dao.get_instance_by_key(session, reference)
        version = session.get(ProcessVersion, instance.process_version_id) if instance else None
        if version is None or not scope.admits(version.process_id):
            return None
        return StepsTaken(version, engine_rest_dao.step_events(session, instance.id))
