"""python -m benchmarks.press at tiny sizes: it runs end to end and prints one JSON object with every figure
and its baseline (the embargo wait, up to a beat interval, is left out here)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.service_env import HAS_POSTGRES, HAS_REDIS, skip_or_fail

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_press_benchmark_runs_at_tiny_sizes():
    if not (HAS_POSTGRES and HAS_REDIS):
        skip_or_fail("needs PostgreSQL and Redis and they are not reachable")
    parts = urlsplit(os.environ["DATABASE_URL"])
    env = {**os.environ,
           # The benchmark creates (and drops) its own database next to this one.
           "DATABASE_URL": urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, "")),
           "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"]}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.press", "--images", "2", "--image-bytes", "40000", "--documents", "1",
         "--document-bytes", "5000", "--journalists", "10", "--duration", "0.5", "--warmup", "0.1",
         "--kit-runs", "2", "--kit-settle", "0.1", "--skip-embargo"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["newsroom"]["baseline_static"]["requests"] > 0
    assert report["newsroom"]["cached_list"]["requests"] > 0
    assert report["newsroom"]["x_cache"]["cached_list"].get("hit")
    kit = report["press_kit"]
    assert kit["entries"] == 2 * 2 + 1 + 2  # pictures in two sizes, the document, credits.txt, release-de.txt
    assert kit["mb_per_s"] > 0 and kit["baseline_zipfile_stored"]["mb_per_s"] > 0
    assert len(kit["runs_mb_per_s"]) == len(kit["baseline_zipfile_stored"]["runs_mb_per_s"]) == 2
    assert kit["worker_peak_above_idle_mb"] >= 0
    sent = report["distribution"]
    assert sent["accepted"] == sent["received_at_sink"] == 10
    assert sent["baseline_smtplib_messages_per_s"] > 0
    assert set(report["targets_met"]) == {"newsroom_cached_list", "embargo_lift", "press_kit_speed",
                                          "press_kit_memory", "distribution"}
