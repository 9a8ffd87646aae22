"""Where a case went, step by step, read from its audit chain (each step recorded the elements it completed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.dao import engine_rest_dao, instances_dao
from service.dao.engine_rest_dao import StepEvent
from service.models import ProcessVersion

if TYPE_CHECKING:
    from service.casework import Casework


@dataclass(frozen=True)
class StepsTaken:
    version: ProcessVersion
    steps: list[StepEvent]  # oldest first


def steps_taken(casework: Casework, reference: str) -> StepsTaken | None:
    """The case's version and the audit events that record where it went; None if there is no such case."""
    with casework.db.reading() as session:
        instance = instances_dao.get_instance_by_key(session, reference)
        if instance is None:
            return None
        return StepsTaken(session.get(ProcessVersion, instance.process_version_id),
                          engine_rest_dao.step_events(session, instance.id))
