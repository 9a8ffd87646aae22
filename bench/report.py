"""The figures issue 10 asks for, as latest.json, and a table for people."""

from __future__ import annotations

TARGETS = {
    "three_task_completions_per_s": (">=", 400),
    "lifecycle_completions_per_s": (">=", 250),
    "inbox_p95_ms": ("<", 50),
    "timers_per_s_one_worker": (">=", 500),
    "two_workers_over_one": (">=", 1.6),
    "step200_over_step5": ("<=", 1.3),
    "state_bytes_per_instance": ("<=", 6000),
}


def summary(results: dict) -> dict:
    def get(*path, default=None):
        value = results
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return default
            value = value[key]
        return value

    one = get("timers_one_worker", "timers_per_s")
    two = get("timers_two_workers", "timers_per_s")
    return {
        "three_task_completions_per_s": get("three_tasks", "completions_per_s"),
        "lifecycle_cases_per_s": get("lifecycle", "cases_per_s"),
        "lifecycle_completions_per_s": get("lifecycle", "completions_per_s"),
        "completion_p95_ms": get("three_tasks", "latency", "complete", "p95_ms"),
        "lifecycle_completion_p95_ms": get("lifecycle", "latency", "complete", "p95_ms"),
        "inbox_p95_ms": get("inbox", "inbox_p95_ms"),
        "timers_per_s_one_worker": one,
        "timers_per_s_two_workers": two,
        "two_workers_over_one": round(two / one, 2) if one and two else None,
        "step200_over_step5": get("history", "ratio"),
        "state_bytes_per_instance": get("storage", "state_bytes_per_instance"),
        "pgbench_tps": get("pgbench", "tps"),
        "engine_floor_completions_per_s": get("engine_floor", "completions_per_s"),
        "sandbox_condition_us": get("sandbox", "condition_median_us"),
        "sandbox_comparison_guard_us": get("sandbox", "comparison_guard_us"),
        "sandbox_attack_worst_ms": get("sandbox", "attack_worst_ms"),
        "three_tasks_over_pgbench": _ratio(get("three_tasks", "completions_per_s"), get("pgbench", "tps")),
        "lifecycle_over_engine_floor": _ratio(get("lifecycle", "completions_per_s"),
                                              get("engine_floor", "completions_per_s")),
        "machine": results["machine"],
        "date": results["date"],
        "backend": results["backend"],
    }


def _ratio(a, b):
    return round(a / b, 3) if a and b else None


def print_table(results: dict) -> None:
    latest = results["summary"]
    print(f"\nBenchmark on {latest['backend']} — {latest['date']}\n{latest['machine']}\n")
    print(f"{'measure':<38} {'value':>12}  target")
    for key, value in latest.items():
        if key in {"machine", "date", "backend"}:
            continue
        target = TARGETS.get(key)
        verdict = ""
        if target and value is not None:
            op, limit = target
            met = {">=": value >= limit, "<": value < limit, "<=": value <= limit}[op]
            verdict = f"{op} {limit}  {'met' if met else 'NOT met'}"
        print(f"{key:<38} {value if value is not None else '-':>12}  {verdict}")
