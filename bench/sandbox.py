"""What the sandbox's bounds cost: microseconds per gateway condition, the share of that taken by
the comparison guards, and the longest any single-operation attack holds the thread before it is
refused. In process, no database and no HTTP: ``python -m bench --only sandbox``."""

from __future__ import annotations

import statistics
import time

from workflows.sandbox import SandboxedEnvironment, SandboxError

DATA = {"decision": "approve", "approver_role": "head_of_service", "categories": ["harassment", "damage"],
        "risk": 3, "case": {"id": "UB-7", "restriction": {"months": 12}}, "other": "reject"}
CONDITIONS = [
    "decision == 'approve'",
    "approver_role in ('head_of_service', 'executive')",
    "'harassment' in categories and risk >= 2",
    "case.get('restriction', {}).get('months', 0) <= 12",
]
# The same two names compared by identity (no guard) and by equality (two guard calls).
UNGUARDED, GUARDED = "decision is other", "decision == other"
# Each is one C-level operation over a shared structure of 10**10 items: refused from its size.
ATTACKS = [
    "[[0]*100000]*100000 == [[0]*100000]*100000",
    "[0]*99999 + [1] in [[0]*100000]*100000",
    "sorted([[0]*100000]*100000)",
    "max([0]*100000 for i in range(3))",
    "{((0,)*100000,)*100000: 1}",
    "([[0]*100000]*100000).count([0]*100000)",
]


def run_sandbox(seconds: float) -> dict:
    env = SandboxedEnvironment()
    per_condition = {text: _per_call_us(env, text, seconds / (len(CONDITIONS) + 2)) for text in CONDITIONS}
    identity = _per_call_us(env, UNGUARDED, seconds / (len(CONDITIONS) + 2))
    equality = _per_call_us(env, GUARDED, seconds / (len(CONDITIONS) + 2))
    return {
        "condition_us": per_condition,
        "condition_median_us": round(statistics.median(per_condition.values()), 2),
        "comparison_guard_us": round(max(equality - identity, 0.0), 2),
        "attack_worst_ms": round(max(_refusal_ms(env, attack) for attack in ATTACKS), 1),
    }


def _per_call_us(env: SandboxedEnvironment, expression: str, seconds: float) -> float:
    env.evaluate(expression, dict(DATA))  # compiled once, cached
    calls = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for _ in range(200):
            env.evaluate(expression, DATA)
        calls += 200
    return round((time.perf_counter() - started) / calls * 1e6, 2)


def _refusal_ms(env: SandboxedEnvironment, attack: str) -> float:
    started = time.perf_counter()
    try:
        env.evaluate(attack, {})
    except SandboxError:
        return (time.perf_counter() - started) * 1000
    raise AssertionError(f"not refused: {attack}")
