"""The timer worker's heartbeat, and ``ubp worker-health``, the check compose and Kubernetes run in its container."""

from __future__ import annotations

from datetime import timedelta

from service import heartbeat
from service.worker import Worker


def test_each_round_of_the_worker_beats(runtime) -> None:
    worker = Worker(runtime, poll_seconds=1)
    assert heartbeat.last_beat(runtime.casework, heartbeat.TIMER_WORKER) is None
    worker.run_round()
    assert heartbeat.last_beat(runtime.casework, heartbeat.TIMER_WORKER) == runtime.clock.now()
    runtime.clock.advance(seconds=30)
    worker.run_round()
    assert heartbeat.last_beat(runtime.casework, heartbeat.TIMER_WORKER, this_host=True) == runtime.clock.now()


def test_worker_health_follows_the_heartbeat(app, runtime) -> None:
    cli = app.test_cli_runner()
    never = cli.invoke(args=["worker-health"])
    assert never.exit_code == 1 and "No timer worker on this host has reported yet." in never.output

    Worker(runtime, poll_seconds=1).run_round()
    runtime.clock.advance(seconds=20)
    healthy = cli.invoke(args=["worker-health"])
    assert healthy.exit_code == 0 and "reported 20s ago" in healthy.output

    runtime.clock.advance(seconds=runtime.settings.worker_heartbeat_max_age.total_seconds())
    stale = cli.invoke(args=["worker-health"])
    assert stale.exit_code == 1 and "last reported 140s ago" in stale.output
    assert cli.invoke(args=["worker-health", "--max-age", "600"]).exit_code == 0


def test_a_beat_from_another_host_does_not_vouch_for_this_one(runtime) -> None:
    other = heartbeat.WorkerIdentity("timer-worker@elsewhere:1", heartbeat.TIMER_WORKER, "elsewhere", 1,
                                     runtime.clock.now() - timedelta(hours=1))
    heartbeat.beat(runtime.casework, other, runtime.clock.now())
    assert heartbeat.last_beat(runtime.casework, heartbeat.TIMER_WORKER) == runtime.clock.now()
    assert heartbeat.last_beat(runtime.casework, heartbeat.TIMER_WORKER, this_host=True) is None
