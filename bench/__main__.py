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

from bench import sandbox, scenarios
from bench.environment import BenchEnvironment
from bench.profile import print_profile, summarise_profile
from bench.report import print_table, summary

STEPS = ("sandbox", "engine_floor", "three_tasks", "lifecycle", "history", "storage", "timers_one_worker",
         "timers_two_workers", "pgbench", "inbox")
IN_PROCESS = {"sandbox"}
RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sqlite", action="store_true", help="run against SQLite instead of PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs: a smoke test")
    parser.add_argument("--only", action="append", choices=STEPS, metavar="STEP",
                        help=f"run only this measurement (repeatable; one of {', '.join(STEPS)}); "
                             "latest.json is written only by a full run")
    parser.add_argument("--profile", action="store_true",
                        help="sample the server with py-spy and write where its CPU went beside the results")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the results (bench/results)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (default 2)")
    args = parser.parse_args()
    wanted = set(args.only or STEPS)
    size = _sizes(args.quick)
    if wanted <= IN_PROCESS:  # nothing to serve: skip the database and the server
        results_only: dict = {"machine": _machine(), "date": datetime.now(UTC).isoformat(timespec="seconds")}
        _step("sandbox bounds", results_only, "sandbox", lambda: sandbox.run_sandbox(size["floor_s"]))
        print(json.dumps(results_only, indent=2))
        return
    env = BenchEnvironment("sqlite" if args.sqlite else "postgresql")
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%S")
    results: dict = {"backend": env.backend, "quick": args.quick,
                     "server": {"workers": args.workers, "threads": args.threads}, "machine": _machine(),
                     "date": datetime.now(UTC).isoformat(timespec="seconds")}
    results_dir: Path = args.results
    results_dir.mkdir(parents=True, exist_ok=True)
    profile = results_dir / f"{stamp}-profile.txt" if args.profile else None
    with tempfile.TemporaryDirectory(prefix="ubp-bench-") as work:
        env.create_database(Path(work))
        try:
            env.prepare()
            env.start_server(args.workers, args.threads, profile_to=profile)
            _measure(env, size, wanted, results)
        finally:
            env.close()
        if profile is not None:
            results["profile"] = summarise_profile(profile)
    latest = summary(results)
    results["summary"] = latest
    suffix = ("-sqlite" if args.sqlite else "") + ("-quick" if args.quick else "") + ("-partial" if args.only else "")
    (results_dir / f"{stamp}{suffix}.json").write_text(json.dumps(results, indent=2) + "\n")
    if not (args.quick or args.sqlite or args.only or args.profile
            or (args.workers, args.threads) != (4, 2)):
        (results_dir / "latest.json").write_text(json.dumps(latest, indent=2) + "\n")
    print_table(results)
    if "profile" in results:
        print_profile(results["profile"])


def _measure(env: BenchEnvironment, size: dict, wanted: set[str], results: dict) -> None:
    def step(name: str, title: str, run) -> None:
        if name in wanted:
            _step(title, results, name, run)

    step("sandbox", "sandbox bounds", lambda: sandbox.run_sandbox(size["floor_s"]))
    step("engine_floor", "engine floor", lambda: scenarios.engine_floor(size["floor_s"]))
    step("three_tasks", "three-task process",
         lambda: scenarios.three_tasks(env, size["load_s"], size["concurrency"], size["runs"]))
    before = (scenarios.database_bytes(env), scenarios.closed_policy_cases(env))
    step("lifecycle", "policy lifecycle", lambda: scenarios.lifecycle(env, size["load_s"], size["concurrency"]))
    if "lifecycle" in results:
        grown = scenarios.database_bytes(env) - before[0]
        closed = scenarios.closed_policy_cases(env) - before[1]
        results["lifecycle"]["database_bytes_per_10000_closed_cases"] = (
            round(grown / closed * 10_000) if closed else None)
    step("history", "cost of a step against history",
         lambda: scenarios.history(env, size["history_cases"], size["history_steps"]))
    step("storage", "state size", lambda: scenarios.storage(env))
    step("timers_one_worker", "timers, one worker", lambda: scenarios.timers(env, size["timers"], 1))
    if env.backend == "postgresql":
        step("timers_two_workers", "timers, two workers", lambda: scenarios.timers(env, size["timers"], 2))
        step("pgbench", "pgbench", lambda: scenarios.pgbench(env.database_url, size["pgbench_s"]))
    step("inbox", "inbox with a large database",
         lambda: scenarios.inbox(env, size["inbox_cases"], size["completed_per_case"], size["inbox_requests"]))


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
