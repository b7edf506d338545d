"""benchmarks.newsletter at a tiny size: it runs end to end and prints its one JSON object; and the load
generator's POST with a new body per request, against a tiny local HTTP server."""

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from benchmarks.loadgen import run_load
from tests.service_env import skip_or_fail

REPO_ROOT = Path(__file__).resolve().parents[2]


class _SignupHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bodies: list = []

    def do_POST(self):
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(202 if self.headers["Content-Type"] == "application/json" else 415)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_run_load_posts_a_new_body_each_time():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SignupHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    counter = iter(range(10**9))
    try:
        result = run_load(port=server.server_address[1], path="/api/newsletters/subscriptions/", method="POST",
                          body=lambda: json.dumps({"email": f"n{next(counter)}@example.org"}).encode(),
                          headers={"Content-Type": "application/json"}, expected_status=202,
                          concurrency=2, duration=0.3, warmup=0.05)
    finally:
        server.shutdown()
        server.server_close()
    assert result.requests > 5 and result.errors == 0
    assert len(set(_SignupHandler.bodies)) == len(_SignupHandler.bodies)  # a new address every time


@pytest.mark.postgres
@pytest.mark.redis
def test_the_benchmark_runs_at_a_tiny_size():
    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not database_url.startswith("postgres") or not broker_url.startswith("redis"):
        skip_or_fail("benchmarks.newsletter needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)")
    # The benchmark creates its own database next to the one named; the named one need not exist (a test run
    # uses test_<name>), so it connects through the server's maintenance database.
    server_url = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.newsletter", "--recipients", "30", "--duration", "0.5",
         "--warmup", "0.2", "--concurrency-http", "2", "--timeout", "120"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=420, env={**os.environ, "DATABASE_URL": server_url},
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    report = json.loads(completed.stdout)
    assert report["issue"] == {"blocks": 12, "topic_sections": 3, "languages": ["de", "en"]}
    assert report["rendering"]["variants"] == 16 and report["rendering"]["ms_per_variant_mean"] > 0
    sending = report["sending"]
    assert sending["audience"] >= 30 and sending["sink"]["message_statuses"] == {"accepted": sending["audience"]}
    assert (sending["losses"], sending["duplicates"]) == (0, 0)
    assert sending["baseline_messages_per_s"] > 0
    signup = report["signup_api"]
    assert signup["signup"]["errors"] == 0 and signup["static"]["rps"] > 0
    assert set(report["targets_met"]) >= {"render_under_300_ms", "send_ratio", "signup_ratio", "all"}
