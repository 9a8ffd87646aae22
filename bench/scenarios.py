"""The seven measurements of issue 10, each returning plain numbers."""

from __future__ import annotations

import re
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote_plus

from sqlalchemy import func, select, text

from bench import flows
from bench.environment import BENCH_PASSWORD, BenchEnvironment
from bench.load import Client, percentiles, run_load
from bench.seed import clone_waiting_instances, seed_inbox
from service.cases.cases import complete_task, start_case
from service.dao import processes_dao, users_dao
from service.models import Case, ProcessInstance
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.people.actors import Actor
from service.tasks import inbox_actions


def lifecycle(env: BenchEnvironment, seconds: float, concurrency: int) -> dict:
    worker = env.start_worker()
    try:
        result = run_load(flows.policy_lifecycle, env.base_url, env.tokens, concurrency=concurrency, seconds=seconds)
    finally:
        env.stop(worker)
    return {
        "cases_per_s": round(result.flows / result.seconds, 2),
        "completions_per_s": round(result.per_second("complete"), 1),
        "requests_per_s": round(sum(len(v) for v in result.latencies.values()) / result.seconds, 1),
        "latency": {label: result.percentiles(label) for label in ("start", "claim", "complete", "poll")},
        "errors": result.errors, "concurrency": concurrency, "seconds": round(result.seconds, 1),
    }


def three_tasks(env: BenchEnvironment, seconds: float, concurrency: int, runs: int) -> dict:
    measured = []
    for _ in range(runs):
        result = run_load(flows.three_tasks, env.base_url, env.tokens, concurrency=concurrency, seconds=seconds)
        measured.append((result.per_second("complete"), result))
    measured.sort(key=lambda item: item[0])
    rate, median = measured[len(measured) // 2]
    return {
        "completions_per_s": round(rate, 1), "all_runs_completions_per_s": [round(m[0], 1) for m in measured],
        "cases_per_s": round(median.flows / median.seconds, 1),
        "latency": {label: median.percentiles(label) for label in ("start", "complete")},
        "errors": median.errors, "concurrency": concurrency, "seconds_per_run": seconds,
    }


def inbox(env: BenchEnvironment, cases: int, completed_per_case: int, requests: int) -> dict:
    runtime = env.runtime()
    with runtime.db.reading() as session:
        version = processes_dao.get_latest_version(session, "unacceptable_behaviour")
        user = users_dao.get_user_by_username(session, "bench-caseworker")
    started = time.monotonic()
    seed_inbox(runtime.db, cases=cases, completed_per_case=completed_per_case, version_id=version.id,
               assignee_id=user.id)
    seeded_in = time.monotonic() - started
    runtime.db.dispose()
    page = Client(env.base_url)
    _, body = page.call("sign-in-page", "GET", "/sign-in")
    page.call("sign-in", "POST", "/sign-in",
              f"username=bench-caseworker&password={quote_plus(BENCH_PASSWORD)}&csrf_token={quote_plus(_csrf(body))}")
    api = Client(env.base_url, env.tokens["caseworker"])
    for _ in range(requests):
        page.call("inbox_page_mine", "GET", "/tasks")
        page.call("inbox_page_group", "GET", "/tasks?tab=groups")
        api.call("api_tasks_group", "GET", "/api/v1/tasks?group=caseworker")
        api.call("api_tasks_mine", "GET", "/api/v1/tasks?assignee=bench-caseworker")
    labels = ("inbox_page_mine", "inbox_page_group", "api_tasks_group", "api_tasks_mine")
    latency = {label: percentiles((page if label.startswith("inbox") else api).latencies[label]) for label in labels}
    errors = {**page.errors, **api.errors}
    return {"open_cases": cases, "completed_tasks": cases * completed_per_case, "seeded_in_s": round(seeded_in, 1),
            "latency": latency, "errors": errors,
            "inbox_p95_ms": max(latency[label]["p95_ms"] for label in labels)}


def timers(env: BenchEnvironment, count: int, workers: int) -> dict:
    runtime = env.runtime()
    _settle(runtime)
    caseworker = _actor(runtime, "bench-caseworker")
    # The template case waits on a timer a moment ahead (a date already past would fire at once), then
    # is parked; its clones carry its due time and appear together, due, once the workers are polling.
    due = datetime.now(UTC) + timedelta(seconds=2)
    started = start_case(runtime.casework, caseworker, {"customer_reference": f"TIMER-{workers}",
                                                       "ends_at": due.isoformat()}, process_id="bench_timer")
    with runtime.db.transaction() as session:
        template = session.scalars(select(ProcessInstance).join(Case, Case.instance_id == ProcessInstance.id)
                                   .where(Case.reference == started.reference)).one()
        template_id, due_at = template.id, template.next_timer_due
        template.next_timer_due = None  # the template itself is not counted
    processes = [env.start_worker(batch_size=200, wait_until_ready=True) for _ in range(workers)]
    time.sleep(max(0.0, (due_at - datetime.now(UTC)).total_seconds()) + 0.1)
    prefix = f"T{workers}-{int(time.time())}-"
    clone_waiting_instances(runtime.db, template_id, count, prefix, due_at)
    clock = time.monotonic()
    deadline = clock + 300
    remaining = count
    while time.monotonic() < deadline:
        with runtime.db.reading() as session:
            remaining = session.scalar(select(func.count()).select_from(ProcessInstance).where(
                ProcessInstance.business_key.like(f"{prefix}%"), ProcessInstance.status == "running")) or 0
        if remaining == 0:
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - clock
    for process in processes:
        env.stop(process)
    with runtime.db.reading() as session:
        fired_twice = session.execute(text("""
            SELECT count(*) FROM (
                SELECT e.instance_id FROM audit_events e JOIN process_instances p ON p.id = e.instance_id
                WHERE p.business_key LIKE :pattern AND e.event_type = 'timer_fired'
                GROUP BY e.instance_id HAVING count(*) > 1) AS doubled"""), {"pattern": f"{prefix}%"}).scalar()
    runtime.db.dispose()
    return {"timers": count, "workers": workers, "seconds": round(elapsed, 2),
            "timers_per_s": round((count - remaining) / elapsed, 1), "not_fired": remaining, "fired_twice": fired_twice}


def _settle(runtime) -> None:
    """Vacuum what the earlier measurements left behind (tens of thousands of updated rows), so that
    autovacuum catching up on them does not share the two cores with the workers being measured."""
    if runtime.db.is_postgres:
        with runtime.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SET statement_timeout = 0"))  # longer than any step may take
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("RESET statement_timeout"))


def history(env: BenchEnvironment, cases: int, steps: int) -> dict:
    client = Client(env.base_url, env.tokens["caseworker"])
    runs = [flows.loop_case(client, steps) for _ in range(cases)]
    early = statistics.median(v for run in runs for v in run[2:7])
    late = statistics.median(v for run in runs for v in run[steps - 5:steps])
    return {"steps": steps, "cases": cases, "step5_ms": round(early, 2), f"step{steps}_ms": round(late, 2),
            "ratio": round(late / early, 3)}


def storage(env: BenchEnvironment, cases: int = 20) -> dict:
    """Bytes of workflow state per running policy case (the spec is stored once per version, not here),
    measured on cases taken to "Restriction in force", the state a case spends most of its life in."""
    runtime = env.runtime()
    caseworker, head = _actor(runtime, "bench-caseworker"), _actor(runtime, "bench-head")
    letter = {"letter_contents": ["decision", "why", "what_it_means", "how_to_appeal", "end_date", "agreed_format"],
              "letter_sent_on": datetime.now(UTC).date().isoformat(), "letter_sent_by": "post"}
    for _ in range(cases):
        outcome = start_case(runtime.casework, caseworker, flows._incident(datetime.now(UTC) - timedelta(days=1)),
                                              process_id=PROCESS_ID)
        for actor, answers in ((caseworker, flows.ASSESS), (caseworker, flows.ADJUSTMENTS),
                               (caseworker, flows.PROPOSAL), (head, flows.APPROVAL), (caseworker, letter)):
            task_id = outcome.opened[0].id
            inbox_actions.claim(runtime.casework, actor, task_id)
            outcome = complete_task(runtime.casework, actor, task_id, answers)
    length = "octet_length(p.state::text)" if runtime.db.is_postgres else "length(p.state)"
    with runtime.db.reading() as session:
        rows = session.execute(text(f"""
            SELECT avg({length}), max({length}), count(*) FROM process_instances p
            JOIN process_versions v ON v.id = p.process_version_id
            WHERE p.status = 'running' AND v.process_id = 'unacceptable_behaviour'
              AND p.business_key NOT LIKE 'UB-2020-%'""")).one()
    runtime.db.dispose()
    return {"state_bytes_per_instance": round(float(rows[0] or 0)), "largest_state_bytes": rows[1],
            "running_policy_instances": rows[2]}


def database_bytes(env: BenchEnvironment) -> int:
    runtime = env.runtime()
    with runtime.db.reading() as session:
        if runtime.db.is_postgres:
            size = session.execute(text("SELECT pg_database_size(current_database())")).scalar()
        else:
            size = session.execute(text(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")).scalar()
    runtime.db.dispose()
    return size


def closed_policy_cases(env: BenchEnvironment) -> int:
    runtime = env.runtime()
    with runtime.db.reading() as session:
        count = session.scalar(text("""
            SELECT count(*) FROM cases c JOIN process_instances p ON p.id = c.instance_id
            JOIN process_versions v ON v.id = p.process_version_id
            WHERE c.status = 'closed' AND v.process_id = 'unacceptable_behaviour'"""))
    runtime.db.dispose()
    return count


def engine_floor(seconds: float) -> dict:
    """The policy lifecycle on SpiffWorkflow in memory: no database, no HTTP, the same sandbox."""
    from bench.floor import run_floor

    return run_floor(seconds)


def pgbench(database_url: str, seconds: int) -> dict:
    script = Path(__file__).with_name("pgbench_step.sql")
    with tempfile.TemporaryDirectory() as work:
        init = subprocess.run(["psql", database_url, "-q", "-f", str(Path(__file__).with_name("pgbench_init.sql"))],
                              capture_output=True, text=True, timeout=120, cwd=work)
        if init.returncode:
            return {"error": init.stderr[-300:]}
        run = subprocess.run(["pgbench", "-n", "-c", "2", "-j", "2", "-T", str(seconds), "-f", str(script),
                              database_url], capture_output=True, text=True, timeout=seconds + 60)
    tps = [line for line in run.stdout.splitlines() if line.startswith("tps")]
    return {"tps": float(tps[0].split("=")[1].split()[0]) if tps else None, "clients": 2, "seconds": seconds,
            "output_tail": run.stdout.splitlines()[-3:] if not tps else None}


def _actor(runtime, username: str) -> Actor:
    with runtime.db.reading() as session:
        user = users_dao.get_user_by_username(session, username)
    return Actor(user.id, tuple(user.roles), user.full_name)


def _csrf(body) -> str:
    html = body.decode() if isinstance(body, bytes) else str(body)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


