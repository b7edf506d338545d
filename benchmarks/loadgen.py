"""Keep-alive HTTP load generation and exact percentiles, with no Django (the smoke test uses them directly)."""

import http.client
import math
import socket
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from typing import Callable

HOST = "127.0.0.1"


# --- Statistics and load generation (no Django; the smoke test uses these directly) ---

def percentile(sorted_samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted samples: an observed value, never interpolated."""
    if not sorted_samples:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_samples)))
    return sorted_samples[rank - 1]


@dataclass
class ScenarioResult:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    x_cache: dict = field(default_factory=dict)
    error_kinds: dict = field(default_factory=dict)  # HTTP status or exception name -> count
    samples: list[float] = field(default_factory=list, repr=False)
    duration: float = 0.0

    def summary(self) -> dict:
        return {
            "requests": self.requests,
            "rps": round(self.rps, 1),
            "p50_ms": None if math.isnan(self.p50_ms) else round(self.p50_ms, 2),
            "p99_ms": None if math.isnan(self.p99_ms) else round(self.p99_ms, 2),
            "errors": self.errors,
        }


def run_load(*, port: int, path: str, concurrency: int, duration: float, warmup: float,
             host: str = HOST, expected_status: int = 200, method: str = "GET",
             body: Callable[[], bytes] | None = None,
             headers: dict | Callable[[], dict] | None = None) -> ScenarioResult:
    """Keep `concurrency` keep-alive connections busy with GET `path` for warmup + duration seconds.

    With body (called once per request, e.g. a sign-up with a new address each time), the request is
    `method` (POST) with those bytes and headers (a dict, or a callable giving each request's own).

    Only requests that start after the warm-up and finish inside the measuring
    window count, so rps is completed requests per second of that window. A
    connection the server closes (sync workers close after every response) is
    reopened by http.client, and that reconnect is part of the latency.
    """
    start_barrier = threading.Barrier(concurrency + 1)
    window: dict[str, float] = {}
    per_thread: list[dict] = []

    def worker():
        samples: list[float] = []
        errors = 0
        error_kinds: dict[str, int] = {}
        x_cache: dict[str, int] = {}
        connection = http.client.HTTPConnection(host, port, timeout=10)
        start_barrier.wait()
        measure_from, stop_at = window["from"], window["to"]
        try:
            while True:
                started = time.perf_counter()
                if started >= stop_at:
                    break
                try:
                    if body is None:
                        connection.request(method, path)
                    else:
                        connection.request(method, path, body=body(),
                                           headers=headers() if callable(headers) else headers or {})
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == expected_status
                    cache_state = response.getheader("X-Cache")
                    outcome = str(response.status)
                except (OSError, http.client.HTTPException) as e:
                    ok, cache_state, outcome = False, None, type(e).__name__
                    connection.close()
                finished = time.perf_counter()
                if started < measure_from or finished > stop_at:
                    continue
                samples.append(finished - started)
                if not ok:
                    errors += 1
                    error_kinds[outcome] = error_kinds.get(outcome, 0) + 1
                if cache_state:
                    x_cache[cache_state] = x_cache.get(cache_state, 0) + 1
        finally:
            connection.close()
            per_thread.append({"samples": samples, "errors": errors, "error_kinds": error_kinds, "x_cache": x_cache})

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["from"] = now + warmup
    window["to"] = now + warmup + duration
    start_barrier.wait()
    for thread in threads:
        thread.join(timeout=warmup + duration + 15)

    samples = sorted(s for result in per_thread for s in result["samples"])
    x_cache: dict[str, int] = {}
    error_kinds: dict[str, int] = {}
    for result in per_thread:
        for state, count in result["x_cache"].items():
            x_cache[state] = x_cache.get(state, 0) + count
        for kind, count in result["error_kinds"].items():
            error_kinds[kind] = error_kinds.get(kind, 0) + count
    return ScenarioResult(
        requests=len(samples),
        rps=len(samples) / duration,
        p50_ms=percentile(samples, 0.50) * 1000,
        p99_ms=percentile(samples, 0.99) * 1000,
        errors=sum(result["errors"] for result in per_thread),
        x_cache=x_cache,
        error_kinds=error_kinds,
        samples=samples,
        duration=duration,
    )


def merge_results(results: list[ScenarioResult]) -> ScenarioResult:
    """One result over several runs of the same scenario: counts add up, percentiles over all samples."""
    samples = sorted(s for result in results for s in result.samples)
    duration = sum(result.duration for result in results)
    x_cache: dict[str, int] = {}
    for result in results:
        for state, count in result.x_cache.items():
            x_cache[state] = x_cache.get(state, 0) + count
    error_kinds: dict[str, int] = {}
    for result in results:
        for kind, count in result.error_kinds.items():
            error_kinds[kind] = error_kinds.get(kind, 0) + count
    return ScenarioResult(
        error_kinds=error_kinds,
        requests=len(samples),
        rps=len(samples) / duration if duration else 0.0,
        p50_ms=percentile(samples, 0.50) * 1000,
        p99_ms=percentile(samples, 0.99) * 1000,
        errors=sum(result.errors for result in results),
        x_cache=x_cache,
        samples=samples,
        duration=duration,
    )


def http_get(port: int, path: str, *, timeout: float = 10) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- The throwaway environment -----------------------------------------------------

