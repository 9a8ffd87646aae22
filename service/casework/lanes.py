"""Lanes are named after roles in the policy's words; a lane assigns its tasks to these groups.

Kept apart from ``deploy`` so that the step-saving code can read it without importing the deploy
checks (which import the case-event handlers, which import the step-saving code).
"""

from __future__ import annotations

LANE_ROLES: dict[str, tuple[str, ...]] = {
    "Caseworker": ("caseworker",),
    "Head of Service or Executive": ("head_of_service", "executive"),
    "Independent reviewer": ("head_of_service", "executive"),
}
