"""Prometheus metrics: what each process counts, and the figures read from the database at scrape time.

Counters and histograms live in the process that observes them. Under gunicorn started with
``-c python:service.gunicorn_conf``, PROMETHEUS_MULTIPROC_DIR is set and every scrape sums all the
worker processes; otherwise a scrape sees the one process that answered. Database figures (open and
overdue tasks, timers, heartbeats, anchors, external-task queues by topic) are the same whichever
process or server answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from service.casework import Casework
from service.dao import external_tasks_dao
from service.dao.external_tasks_dao import TopicSummary
from service.dao.operations_dao import OperationalFigures, operational_figures
from service.db import Database
from service.models.incidents import INCIDENT_KINDS

PROCESS_METRICS = CollectorRegistry(auto_describe=True)

REQUESTS = Counter("ubp_http_requests", "HTTP requests answered, by route template, method and status.",
                   ["route", "method", "status"], registry=PROCESS_METRICS)
LATENCY = Histogram("ubp_http_request_duration_seconds", "Time to answer a request, by route template.",
                    ["route"], registry=PROCESS_METRICS,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
TASK_COMPLETIONS = Counter("ubp_task_completions", "User tasks completed by this service.",
                           registry=PROCESS_METRICS)
TIMERS_FIRED = Counter("ubp_timers_fired", "Timers fired by the timer worker.", registry=PROCESS_METRICS)
TIMERS_FAILED = Counter("ubp_timer_failures", "Timer attempts that failed in the timer worker.",
                        registry=PROCESS_METRICS)


class DatabaseFigures(Collector):
    """Gauges read from the database once per scrape."""

    def __init__(self, db: Database, now: datetime) -> None:
        self.db = db
        self.now = now

    def collect(self) -> Iterator[Metric]:
        with self.db.reading() as session:
            figures = operational_figures(session, self.now)
            topics = external_tasks_dao.topic_summaries(session, self.now)
        yield from _gauges(figures, self.now)
        yield _external_task_queues(topics)


def _external_task_queues(topics: list[TopicSummary]) -> Metric:
    queues = GaugeMetricFamily("ubp_external_tasks", "Open external tasks by topic: waiting for a worker, locked by "
                               "one, or failed with no retries left (an incident is open).", labels=["topic", "state"])
    for summary in topics:
        for state in ("waiting", "locked", "failed"):
            queues.add_metric([summary.topic, state], getattr(summary, state))
    return queues


def _gauges(figures: OperationalFigures, now: datetime) -> Iterator[Metric]:
    yield GaugeMetricFamily("ubp_open_tasks", "User tasks waiting to be done.", value=figures.open_tasks)
    yield GaugeMetricFamily("ubp_overdue_tasks", "Open user tasks past their due date.", value=figures.overdue_tasks)
    yield GaugeMetricFamily("ubp_running_instances", "Process instances still running.",
                            value=figures.running_instances)
    yield GaugeMetricFamily("ubp_due_timers", "Timers due now and not yet fired.", value=figures.due_timers)
    yield GaugeMetricFamily("ubp_failed_timers", "Running cases whose last timer attempt failed.",
                            value=figures.failed_timers)
    lag = (now - figures.oldest_due_timer).total_seconds() if figures.oldest_due_timer else 0.0
    yield GaugeMetricFamily("ubp_worker_lag_seconds", "How long the oldest due timer has waited to fire.",
                            value=max(lag, 0.0))
    anchor = GaugeMetricFamily("ubp_audit_anchor_age_seconds",
                               "Age of the latest audit anchor (absent before the first).")
    if figures.latest_anchor_at is not None:
        anchor.add_metric([], (now - figures.latest_anchor_at).total_seconds())
    yield anchor
    incidents = GaugeMetricFamily("ubp_open_incidents", "Open incidents on cases, by kind.", labels=["kind"])
    for kind in INCIDENT_KINDS:
        incidents.add_metric([kind], figures.open_incidents.get(kind, 0))
    yield incidents
    beats = GaugeMetricFamily("ubp_worker_heartbeat_age_seconds", "Time since a worker of each kind last reported.",
                              labels=["kind"])
    for kind, at in sorted(figures.latest_beats.items()):
        beats.add_metric([kind], (now - at).total_seconds())
    yield beats


class _ThisProcess(Collector):
    def collect(self) -> Iterator[Metric]:
        return PROCESS_METRICS.collect()


def scrape(casework: Casework, now: datetime) -> bytes:
    """The text exposition of every metric: this process's (or all processes') counters and the database's figures."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseFigures(casework.db, now))
    return generate_latest(registry)
