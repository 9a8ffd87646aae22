"""``make bench``: measure the service end to end and write bench/results/<date>.json and latest.json.

Starts its own gunicorn server (production settings) on a fresh PostgreSQL database (``--sqlite``
for SQLite), drives it over HTTP from separate client processes, and prints a table at the end.
``--quick`` shrinks every size for a smoke run (its numbers are not the ones to report).
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import scenarios
from bench.environment import BenchEnvironment
from bench.report import print_table, summary

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sqlite", action="store_true", help="run against SQLite instead of PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs: a smoke test")
    args = parser.parse_args()
    size = _sizes(args.quick)
    env = BenchEnvironment("sqlite" if args.sqlite else "postgresql")
    results: dict = {"backend": env.backend, "quick": args.quick, "machine": _machine(),
                     "date": datetime.now(UTC).isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory(prefix="ubp-bench-") as work:
        env.create_database(Path(work))
        try:
            env.prepare()
            env.start_server()
            _step("engine floor", results, "engine_floor", lambda: scenarios.engine_floor(size["floor_s"]))
            _step("three-task process", results, "three_tasks",
                  lambda: scenarios.three_tasks(env, size["load_s"], size["concurrency"], size["runs"]))
            before = (scenarios.database_bytes(env), scenarios.closed_policy_cases(env))
            _step("policy lifecycle", results, "lifecycle",
                  lambda: scenarios.lifecycle(env, size["load_s"], size["concurrency"]))
            grown = scenarios.database_bytes(env) - before[0]
            closed = scenarios.closed_policy_cases(env) - before[1]
            results["lifecycle"]["database_bytes_per_10000_closed_cases"] = (
                round(grown / closed * 10_000) if closed else None)
            _step("cost of a step against history", results, "history",
                  lambda: scenarios.history(env, size["history_cases"], size["history_steps"]))
            _step("state size", results, "storage", lambda: scenarios.storage(env))
            _step("timers, one worker", results, "timers_one_worker",
                  lambda: scenarios.timers(env, size["timers"], 1))
            if env.backend == "postgresql":
                _step("timers, two workers", results, "timers_two_workers",
                      lambda: scenarios.timers(env, size["timers"], 2))
                _step("pgbench", results, "pgbench", lambda: scenarios.pgbench(env.database_url, size["pgbench_s"]))
            _step("inbox with a large database", results, "inbox",
                  lambda: scenarios.inbox(env, size["inbox_cases"], size["completed_per_case"], size["inbox_requests"]))
        finally:
            env.close()
    latest = summary(results)
    results["summary"] = latest
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%S")
    suffix = ("-sqlite" if args.sqlite else "") + ("-quick" if args.quick else "")
    (RESULTS / f"{stamp}{suffix}.json").write_text(json.dumps(results, indent=2) + "\n")
    if not args.quick and not args.sqlite:
        (RESULTS / "latest.json").write_text(json.dumps(latest, indent=2) + "\n")
    print_table(results)


def _step(title: str, results: dict, key: str, run) -> None:
    print(f"-- {title} ...", flush=True)
    started = time.monotonic()
    results[key] = run()
    print(f"   done in {time.monotonic() - started:.0f}s: {json.dumps(results[key])[:300]}", flush=True)


def _sizes(quick: bool) -> dict:
    if quick:
        return {"floor_s": 2, "load_s": 5, "concurrency": 8, "runs": 1, "history_cases": 1, "history_steps": 30,
                "timers": 500, "pgbench_s": 3, "inbox_cases": 2000, "completed_per_case": 10, "inbox_requests": 20}
    return {"floor_s": 10, "load_s": 20, "concurrency": 16, "runs": 3, "history_cases": 3, "history_steps": 200,
            "timers": 10_000, "pgbench_s": 15, "inbox_cases": 100_000, "completed_per_case": 10,
            "inbox_requests": 200}


def _machine() -> str:
    import os

    return f"{platform.node()}: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}, " \
           f"Python {platform.python_version()}"


if __name__ == "__main__":
    main()
