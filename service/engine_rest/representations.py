"""Identifiers as Camunda shows them, built from the product's own."""

from __future__ import annotations


def definition_id(process_key: str, version_row_id: int) -> str:
    """Camunda's process definition ids look like ``key:version:uuid``; ours are ``key:<version row id>``."""
    return f"{process_key}:{version_row_id}"


def version_row_id(definition: str) -> int | None:
    """The version row id in a definition id from ``definition_id``; None if it is not one."""
    _, _, tail = definition.rpartition(":")
    return int(tail) if tail.isdigit() and len(tail) <= 9 else None
