"""The benchmark's load generator and statistics, against a tiny local HTTP server (no Django, no gunicorn)."""

import http.server
import threading

import pytest

from benchmarks.loadgen import merge_results, percentile, run_load


class _OkHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's gthread workers answer

    def do_GET(self):
        body = b"ok" if self.path == "/ok" else b"missing"
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Cache", "hit")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server_port():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OkHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_percentile_is_nearest_rank():
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 0.50) == 50.0
    assert percentile(samples, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([1.0, 2.0], 0.50) == 1.0


def test_run_load_counts_requests_latency_and_cache_headers(server_port):
    result = run_load(port=server_port, path="/ok", concurrency=2, duration=0.5, warmup=0.1)
    assert result.requests > 10
    assert result.errors == 0
    assert result.rps == pytest.approx(result.requests / 0.5)
    assert 0 < result.p50_ms <= result.p99_ms
    assert result.x_cache == {"hit": result.requests}


def test_run_load_counts_unexpected_status_as_errors(server_port):
    result = run_load(port=server_port, path="/missing", concurrency=1, duration=0.3, warmup=0.05)
    assert result.requests > 0
    assert result.errors == result.requests


def test_merged_runs_add_up(server_port):
    first = run_load(port=server_port, path="/ok", concurrency=1, duration=0.2, warmup=0.05)
    second = run_load(port=server_port, path="/ok", concurrency=1, duration=0.2, warmup=0.05)
    merged = merge_results([first, second])
    assert merged.requests == first.requests + second.requests
    assert merged.rps == pytest.approx(merged.requests / 0.4)
    assert min(first.p50_ms, second.p50_ms) <= merged.p50_ms <= max(first.p50_ms, second.p50_ms)
