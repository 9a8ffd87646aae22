"""The watchdog as real processes: a worker stuck where no signal or thread can reach it is killed
and replaced, SIGTERM ends everything within seconds even then, and a killed watchdog takes its
worker with it. Nothing sleeps to let time pass: each test polls a real process or file until a
bounded deadline."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

WAIT = 30.0
ROOT = Path(__file__).resolve().parents[2]


def stuck_worker(starts: str, progress) -> None:
    """Starts, shows progress once, then hangs ignoring SIGTERM (as a worker inside one C call would)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with open(starts, "a") as log:
        log.write(f"{os.getpid()}\n")
    progress()
    while True:
        time.sleep(3600)


def _watchdog(tmp_path: Path, stall: float) -> tuple[subprocess.Popen, Path]:
    starts = tmp_path / "starts"
    starts.touch()
    code = ("import functools, logging; logging.basicConfig(level=logging.INFO)\n"
            "from service.worker_supervisor import Supervisor\n"
            "from tests.service.test_worker_supervisor import stuck_worker\n"
            f"Supervisor(functools.partial(stuck_worker, {str(starts)!r}), stall_seconds={stall}, "
            "stop_seconds=1, restart_seconds=0).run()\n")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    return process, starts


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)  # polling a real process, not waiting for time to pass


def _pids(starts: Path) -> list[int]:
    return [int(line) for line in starts.read_text().split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead, only not yet reaped
        return stat.read().split()[2] != "Z"


def test_a_stuck_worker_is_replaced_and_sigterm_still_stops_everything(tmp_path):
    process, starts = _watchdog(tmp_path, stall=1.0)
    try:
        _until(lambda: len(_pids(starts)) >= 2, "the watchdog to replace the stuck worker")
        first, second = _pids(starts)[:2]
        _until(lambda: not _alive(first), "the stuck worker to be killed")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=WAIT)
        assert process.returncode == 0
        latest = _pids(starts)[-1]
        _until(lambda: not _alive(latest), "the last worker to end with the watchdog")
        assert "made no progress" in process.stderr.read()
    finally:
        process.kill()


def test_a_killed_watchdog_takes_its_worker_with_it(tmp_path):
    process, starts = _watchdog(tmp_path, stall=600.0)
    try:
        _until(lambda: _pids(starts), "the worker to start")
        [worker] = _pids(starts)
        process.kill()
        process.wait(timeout=WAIT)
        _until(lambda: not _alive(worker), "the orphaned worker to die")
    finally:
        process.kill()
