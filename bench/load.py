"""The load generator: client processes with keep-alive connections, separate from the server.

Each client process runs a number of threads; each thread repeats a flow (one case's worth of
requests) until the time is up and records every call's latency under a label.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit


class Client:
    def __init__(self, base_url: str, token: str | None = None) -> None:
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.cookie: str | None = None

    def call(self, label: str, method: str, path: str, body: dict | str | None = None):
        """JSON bodies as dicts; a str body is sent as a URL-encoded form (for the sign-in page)."""
        headers = dict(self.headers)
        if isinstance(body, str):
            payload = body.encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            payload = json.dumps(body).encode() if body is not None else None
        if self.cookie:
            headers["Cookie"] = self.cookie
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
            if response.getheader("Set-Cookie"):
                self.cookie = response.getheader("Set-Cookie").split(";")[0]
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.errors[label] += 1
            return 0, None
        self.latencies[label].append((time.perf_counter() - started) * 1000)
        if response.status >= 400:
            self.errors[label] += 1
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, (json.loads(raw) if is_json and raw else raw)


@dataclass
class LoadResult:
    seconds: float
    flows: int
    latencies: dict[str, list[float]]
    errors: dict[str, int]

    def count(self, label: str) -> int:
        return len(self.latencies.get(label, []))

    def per_second(self, label: str) -> float:
        return self.count(label) / self.seconds if self.seconds else 0.0

    def percentiles(self, label: str) -> dict[str, float]:
        return percentiles(self.latencies.get(label, []))


def percentiles(latencies: list[float]) -> dict[str, float]:
    values = sorted(latencies)
    if not values:
        return {}

    def at(q: float) -> float:
        return round(values[min(len(values) - 1, int(q * len(values)))], 2)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "mean_ms": round(statistics.fmean(values), 2)}


def _client_process(flow: Callable, base_url: str, tokens: dict, threads: int, seconds: float, queue) -> None:
    deadline = time.monotonic() + seconds
    results = []

    def run() -> None:
        clients = {role: Client(base_url, token) for role, token in tokens.items()}
        finished = 0
        while time.monotonic() < deadline:
            if flow(clients, deadline):
                finished += 1
        merged: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, int] = defaultdict(int)
        for client in clients.values():
            for label, values in client.latencies.items():
                merged[label].extend(values)
            for label, count in client.errors.items():
                errors[label] += count
        results.append((finished, dict(merged), dict(errors)))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(results)


def run_load(flow: Callable, base_url: str, tokens: dict[str, str], *, concurrency: int, seconds: float,
             processes: int = 2) -> LoadResult:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    per_process = max(1, concurrency // processes)
    started = time.monotonic()
    children = [context.Process(target=_client_process, args=(flow, base_url, tokens, per_process, seconds, queue))
                for _ in range(processes)]
    for child in children:
        child.start()
    collected = [queue.get() for _ in children]
    for child in children:
        child.join()
    elapsed = time.monotonic() - started
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    flows = 0
    for results in collected:
        for finished, merged, errs in results:
            flows += finished
            for label, values in merged.items():
                latencies[label].extend(values)
            for label, count in errs.items():
                errors[label] += count
    return LoadResult(min(elapsed, seconds + 1.0), flows, dict(latencies), dict(errors))
