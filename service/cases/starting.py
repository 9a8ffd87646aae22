"""Who may start a case of a process, and the reference a new case gets.

A process says who may start it with ``camunda:candidateStarterGroups`` / ``camunda:candidateStarterUsers``;
a process that says nothing may be started by anyone who works on tasks. The reference prefix is the
process's ``caseReferencePrefix`` property, else its pack's, else ``CASE``.
"""

from __future__ import annotations

import re

from service.cases.errors import NotAllowed
from service.packs.registry import Pack
from service.people.actors import Actor
from workflows.definitions import ProcessDefinition

PREFIX_PROPERTY = "caseReferencePrefix"
DEFAULT_PREFIX = "CASE"
PREFIX = re.compile(r"^[A-Z]{1,6}$")
# Any process's reference: PREFIX-YEAR-NUMBER (see Casework._case_reference).
REFERENCE = re.compile(r"^[A-Z]{1,6}-\d{4}-\d{4,8}$")


def may_start(actor: Actor, definition: ProcessDefinition) -> bool:
    if definition.starter_groups or definition.starter_users:
        return actor.has_any_role(definition.starter_groups) or (
            bool(actor.username) and actor.username in definition.starter_users)
    return actor.works_tasks


def refuse_unless_may_start(actor: Actor, definition: ProcessDefinition, pack: Pack | None) -> None:
    if not may_start(actor, definition):
        words = pack.wording.get("start_refused") if pack else None
        raise NotAllowed(words or f"You cannot start a case of {definition.name}: it is started by "
                                  "the groups or people its process names.")


def reference_prefix(definition: ProcessDefinition, pack: Pack | None) -> str:
    declared = (definition.properties.get(PREFIX_PROPERTY) or "").strip().rstrip("-").upper()
    return declared or (pack.reference_prefix if pack and pack.reference_prefix else DEFAULT_PREFIX)


def prefix_problem(definition: ProcessDefinition) -> str | None:
    """Why a declared prefix cannot be used (a deploy refusal), or None."""
    declared = definition.properties.get(PREFIX_PROPERTY)
    if declared is None or PREFIX.match(declared.strip().rstrip("-").upper()):
        return None
    return (f"The case reference prefix {declared!r} must be 1 to 6 letters (such as ASB), "
            "so that references read like ASB-2026-0001.")
