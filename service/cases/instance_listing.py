"""Reading process instances (cases) a page at a time, as the Camunda-shaped API lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.dao import engine_rest_dao
from service.dao.engine_rest_dao import InstanceFilter, InstanceRow
from service.dao.process_scope import ProcessScope

if TYPE_CHECKING:
    from service.casework import Casework

__all__ = ["InstanceFilter", "InstanceRow", "count_instances", "instance_row", "instance_rows", "list_instances"]


def list_instances(casework: Casework, wanted: InstanceFilter, first: int, max_results: int) -> list[InstanceRow]:
    with casework.db.reading() as session:
        return engine_rest_dao.list_instances(session, wanted, first, max_results)


def count_instances(casework: Casework, wanted: InstanceFilter) -> int:
    with casework.db.reading() as session:
        return engine_rest_dao.count_instances(session, wanted)


def instance_row(casework: Casework, reference: str, scope: ProcessScope = ProcessScope()) -> InstanceRow | None:
    """The case with this reference (its process instance id), or None; None too for a case of a process
    outside ``scope`` (the processes a reader may see: ``reading.readable_processes``)."""
    rows = instance_rows(casework, [reference], scope)
    return rows[0] if rows else None


def instance_rows(casework: Casework, references: list[str], scope: ProcessScope = ProcessScope()
                  ) -> list[InstanceRow]:
    """The cases with these references, in that order (one read); a reference of no case (in ``scope``) is
    left out."""
    with casework.db.reading() as session:
        return [row for reference in references for row in engine_rest_dao.list_instances(
            session, InstanceFilter(reference=reference, scope=scope), 0, 1)]
