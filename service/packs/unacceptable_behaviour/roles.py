"""The policy's own role lists: the groups its process names (seeded by the pack: ``GroupSeed`` in pack.py), as the
pack's pages, API routes and checks ask about them. The platform knows none of them: it asks for its own
permissions (``TASK_WORKER``, ``WORK_MANAGER``) and reads who may read the policy's cases from
``Pack.case_readers``."""

from __future__ import annotations

# Who records incidents (and starts the policy's cases: its process's candidateStarterGroups).
CASEWORKERS = ("caseworker",)
# Heads of Service and Executives: they decide formal action, hear appeals, lead the team and hand its work round.
DECIDERS = ("head_of_service", "executive")
STAFF = (*CASEWORKERS, *DECIDERS)
# Who reads the policy's cases, customers and letters: the staff who work them, and auditors.
STAFF_AND_AUDITORS = (*STAFF, "auditor")
