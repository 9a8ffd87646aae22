"""The worker's heartbeat on both databases: written after every poll, read as progress or a stall."""

from __future__ import annotations

from datetime import timedelta

from service.casework.worker_health import worker_progress
from service.worker import Worker


def test_each_poll_writes_progress_and_silence_reads_as_a_stall(runtime):
    stale = timedelta(minutes=5)
    assert worker_progress(runtime.db, runtime.clock.now(), stale).message == "no timer worker has run yet"
    worker = Worker(runtime, poll_seconds=0.1)
    beats = []
    worker.on_progress = lambda: beats.append(runtime.clock.now())
    worker.run_once()
    worker.record_progress()
    progress = worker_progress(runtime.db, runtime.clock.now(), stale)
    assert progress.last_progress == runtime.clock.now() and not progress.stalled and beats

    runtime.clock.advance(minutes=6)
    stalled = worker_progress(runtime.db, runtime.clock.now(), stale)
    assert stalled.stalled and "no progress since" in stalled.message
    worker.record_progress()  # the same worker, one row: updated, not added
    assert not worker_progress(runtime.db, runtime.clock.now(), stale).stalled
