"""/metrics (guarded, with figures from the database and this process) and /health/live, /health/ready."""

from __future__ import annotations

import re
from datetime import timedelta

from service import heartbeat
from service.cases.cases import start_case
from service.config import Settings
from service.migrate import upgrade
from service.runtime import build_runtime
from tests.fresh_database import fresh_database
from tests.service.audit_cases import open_case
from tests.service.conftest import sign_in

TOKEN = "metrics-token-for-the-tests-0123456789"


def _value(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in the metrics"
    return float(match.group(1))


def test_metrics_refuse_callers_from_elsewhere_when_no_token_is_set(client) -> None:
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    assert client.get("/metrics").status_code == 200  # the test client calls from 127.0.0.1


def test_metrics_ask_for_the_token_when_one_is_set(client, runtime) -> None:
    runtime.settings.metrics_token = TOKEN
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong-token"}).status_code == 403
    answered = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                          environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert answered.status_code == 200
    assert answered.content_type.startswith("text/plain")


def test_metrics_count_tasks_timers_requests_and_completions(client, runtime, policy, people) -> None:
    journey = open_case(runtime, people["casey"])
    text = client.get("/metrics").get_data(as_text=True)
    assert _value(text, "ubp_open_tasks") == 1
    assert _value(text, "ubp_overdue_tasks") == 0
    assert _value(text, "ubp_running_instances") == 1
    assert _value(text, "ubp_due_timers") == 0
    assert _value(text, "ubp_worker_lag_seconds") == 0
    assert not re.search(r"^ubp_audit_anchor_age_seconds ", text, re.MULTILINE)  # nothing anchored yet
    completed_before = _value(text, "ubp_task_completions_total")

    journey.do(people["casey"], "Task_AssessIncident", _severe())
    runtime.clock.advance(days=60)
    from service.history.anchors import write_anchor

    write_anchor(runtime.casework, runtime.clock.now() - timedelta(minutes=5))
    sign_in(client, "casey")
    client.get("/sign-in")
    text = client.get("/metrics").get_data(as_text=True)
    assert _value(text, "ubp_task_completions_total") == completed_before + 1
    assert _value(text, "ubp_overdue_tasks") == 1
    assert _value(text, "ubp_audit_anchor_age_seconds") == 300
    assert re.search(r'^ubp_http_requests_total\{method="GET",route="/sign-in",status="200"\} [1-9]', text,
                     re.MULTILINE), text
    assert 'ubp_http_request_duration_seconds_bucket{le="0.005",route="/sign-in"}' in text


def test_worker_heartbeat_age_is_a_metric(client, runtime) -> None:
    worker = heartbeat.identity(heartbeat.TIMER_WORKER, runtime.clock.now())
    heartbeat.beat(runtime.casework, worker, runtime.clock.now())
    runtime.clock.advance(seconds=42)
    text = client.get("/metrics").get_data(as_text=True)
    assert _value(text, 'ubp_worker_heartbeat_age_seconds{kind="timer-worker"}') == 42


def test_liveness_asks_nothing_of_the_database(client) -> None:
    assert client.get("/health/live").json == {"status": "ok"}


def test_readiness_needs_a_recent_worker_heartbeat(client, runtime) -> None:
    refused = client.get("/health/ready")
    assert refused.status_code == 503
    assert refused.json == {"status": "unavailable", "database": "ok", "migrations": "ok",
                            "worker": "no timer worker has reported"}

    worker = heartbeat.identity(heartbeat.TIMER_WORKER, runtime.clock.now())
    heartbeat.beat(runtime.casework, worker, runtime.clock.now())
    assert client.get("/health/ready").json == {"status": "ok", "database": "ok", "migrations": "ok",
                                                "worker": "ok"}

    runtime.clock.advance(seconds=runtime.settings.worker_heartbeat_max_age.total_seconds() + 1)
    stale = client.get("/health/ready")
    assert stale.status_code == 503
    assert stale.json["worker"] == "the timer worker last reported 121s ago"


def test_readiness_fails_on_a_schema_behind_the_code(tmp_path, backend, request) -> None:
    from service.app import create_app

    with fresh_database(backend, tmp_path, request.config) as url:
        upgrade(url, "0070")
        runtime = build_runtime(Settings(environment="testing", database_url=url, secret_key="k" * 40,
                                         secure_cookies=False))
        try:
            answered = create_app(runtime.settings, runtime).test_client().get("/health/ready")
            assert answered.status_code == 503
            assert answered.json["migrations"].startswith("database at 0070; code expects ")
        finally:
            runtime.db.dispose()


def test_readiness_reports_an_unreachable_database_without_details(tmp_path) -> None:
    from service.app import create_app

    url = "postgresql://nobody@127.0.0.1:9/nothing"  # nothing listens on the discard port
    runtime = build_runtime(Settings(environment="testing", database_url=url, secret_key="k" * 40,
                                     secure_cookies=False))
    answered = create_app(runtime.settings, runtime).test_client().get("/health/ready")
    assert answered.status_code == 503
    assert answered.json == {"status": "unavailable", "database": "unreachable", "migrations": "unknown",
                             "worker": "unknown"}
    assert "nobody" not in answered.get_data(as_text=True)


def _severe():
    from tests.bpmn import samples

    return samples.assessment("severe")


def test_external_task_queues_are_a_metric_by_topic(client, runtime, people) -> None:
    from service.builtin_workers import WORKER_ACTOR
    from service.tasks import external_tasks
    from service.tasks.external_tasks import TopicRequest
    from tests.service.conftest import deploy_fixture

    deploy_fixture(runtime, "housing_alert.bpmn")
    for customer in ("C-1", "C-2", "C-3"):
        start_case(runtime.casework, people["casey"], {"customer_reference": customer}, process_id="housing_alert")
    topic = [TopicRequest("housing-alert", timedelta(minutes=5))]
    [failing] = external_tasks.fetch_and_lock(runtime.casework, WORKER_ACTOR, "w1", topic, 1)
    external_tasks.report_failure(runtime.casework, WORKER_ACTOR, failing.task.id, "w1", "down", None,
                                  retries=0, retry_timeout=timedelta(0))
    external_tasks.fetch_and_lock(runtime.casework, WORKER_ACTOR, "w2", topic, 1)

    text = client.get("/metrics").get_data(as_text=True)
    assert _value(text, 'ubp_external_tasks{state="waiting",topic="housing-alert"}') == 1
    assert _value(text, 'ubp_external_tasks{state="locked",topic="housing-alert"}') == 1
    assert _value(text, 'ubp_external_tasks{state="failed",topic="housing-alert"}') == 1
    runtime.clock.advance(minutes=6)  # the lock expires: the task is waiting again
    text = client.get("/metrics").get_data(as_text=True)
    assert _value(text, 'ubp_external_tasks{state="waiting",topic="housing-alert"}') == 2
    assert _value(text, 'ubp_external_tasks{state="locked",topic="housing-alert"}') == 0
