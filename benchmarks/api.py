"""Load benchmark of the headless API against a production-like gunicorn.

Run from the repository root:

    python -m benchmarks.api                     # SQLite in a temp directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks.api

It builds a throwaway database (a temp SQLite file, or a fresh PostgreSQL
database created next to the one DATABASE_URL names), loads the demo plus
generated news, collects static files, starts gunicorn on 127.0.0.1 with DEBUG
off, and drives it with a keep-alive load generator. Exactly one JSON object
goes to stdout; progress goes to stderr. Everything it started or created is
removed again, also on error or Ctrl-C.
"""

import argparse
import http.client
import json
import logging
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

logger = logging.getLogger("benchmarks.api")

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

LIST_PATH = "/api/v2/pages/?type=cms.NewsArticlePage&locale=de&limit=20&fields=date,summary,regions,topics"
DETAIL_PATH_TEMPLATE = "/api/v2/pages/{id}/"
# A small stylesheet (about 1 KB, the order of an API detail response) that every install collects.
STATIC_CANDIDATES = ("rest_framework/css/default.css", "admin/css/dashboard.css")

MIN_GERMAN_NEWS = 20
TARGET_CACHED_RATIO = 0.5
TARGET_UNCACHED_DETAIL_P50_MS = 30.0
CLEANUP_ALLOWANCE_S = 15.0
STOP_GRACE_S = 3.0  # then SIGKILL: a benchmark server has nothing to save


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
             host: str = HOST, expected_status: int = 200) -> ScenarioResult:
    """Keep `concurrency` keep-alive connections busy with GET `path` for warmup + duration seconds.

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
                    connection.request("GET", path)
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

class ThrowawayDatabase:
    """A temp SQLite file, or a fresh PostgreSQL database dropped again on exit."""

    def __init__(self, *, base_url: str | None, var_dir: Path):
        self.base_url = base_url
        self.var_dir = var_dir
        self.engine = "sqlite"
        self.url = f"sqlite:///{var_dir / 'bench.sqlite3'}"
        self.name = str(var_dir / "bench.sqlite3")
        self._admin_conninfo: str | None = None

    def __enter__(self):
        if self.base_url and urlsplit(self.base_url).scheme.startswith("postgres"):
            import psycopg

            parts = urlsplit(self.base_url)
            self.engine = "postgresql"
            self.name = f"dialogdesk_bench_{os.getpid()}"
            self._admin_conninfo = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))
            with psycopg.connect(self._admin_conninfo, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                connection.execute(f'CREATE DATABASE "{self.name}"')
            self.url = urlunsplit((parts.scheme, parts.netloc, f"/{self.name}", parts.query, ""))
            logger.info("created PostgreSQL database %s", self.name)
        elif self.base_url:
            raise SystemExit(f"benchmarks.api supports SQLite or PostgreSQL, not {urlsplit(self.base_url).scheme!r}.")
        return self

    def __exit__(self, *exc_info):
        if self._admin_conninfo:
            import psycopg

            # FORCE (PostgreSQL 13+) ends connections a killed worker may have left behind.
            with psycopg.connect(self._admin_conninfo, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            logger.info("dropped PostgreSQL database %s", self.name)

    def server_version(self) -> str:
        if self._admin_conninfo:
            import psycopg

            with psycopg.connect(self._admin_conninfo) as connection:
                return connection.execute("SHOW server_version").fetchone()[0]
        import sqlite3

        return sqlite3.sqlite_version


PREPARE_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("load_demo", verbosity=0)
call_command("create_random_content", news={news}, verbosity=0)
call_command("collectstatic", verbosity=0, interactive=False)
"""


def prepare_site(env: dict, *, news: int) -> None:
    """migrate, load_demo, create_random_content and collectstatic, in one interpreter to save start-up time."""
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-c", PREPARE_SCRIPT.format(news=int(news))],
        cwd=REPO_ROOT, env=env, check=True, stdout=sys.stderr, timeout=80,
    )
    logger.info("site prepared in %.1f s", time.monotonic() - started)


@dataclass
class GunicornSettings:
    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4
    keep_alive: int = 5

    def arguments(self) -> list[str]:
        arguments = ["--workers", str(self.workers), "--worker-class", self.worker_class,
                     "--keep-alive", str(self.keep_alive)]
        if self.worker_class == "gthread":
            arguments += ["--threads", str(self.threads)]
        return arguments


class Gunicorn:
    """One gunicorn serving cms.wsgi on 127.0.0.1, in its own process group so it can be ended whole."""

    def __init__(self, *, label: str, env: dict, settings: GunicornSettings, log_dir: Path):
        self.label = label
        self.env = env
        self.settings = settings
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{label}.log"
        self.process: subprocess.Popen | None = None
        self._stop_deadline: float | None = None

    def __enter__(self):
        command = [
            sys.executable, "-m", "gunicorn", "cms.wsgi:application",
            "--bind", f"{HOST}:{self.port}", "--log-level", "warning", "--error-logfile", "-",
            *self.settings.arguments(),
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        logger.info("gunicorn %s: pid %s on port %s", self.label, self.process.pid, self.port)
        return self

    def wait_ready(self, path: str, *, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.label} exited early:\n{self.log_tail()}")
            try:
                status, _headers, _body = http_get(self.port, path, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn {self.label} not ready after {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Ask the whole process group to quit at once (SIGQUIT: no graceful drain)."""
        if self._stop_deadline is None:
            self._stop_deadline = time.monotonic() + STOP_GRACE_S
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGQUIT)
            except ProcessLookupError:
                pass

    def __exit__(self, *exc_info):
        if self.process is None:
            return
        self.stop()
        try:
            self.process.wait(timeout=max(0.1, self._stop_deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=5)
        logger.info("gunicorn %s stopped", self.label)


def collected_static_path(static_root: Path) -> str:
    """The hashed URL of a small stylesheet, as the manifest storage would emit it."""
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for candidate in STATIC_CANDIDATES:
        if candidate in manifest:
            return f"/static/{manifest[candidate]}"
    sizes = {name: (static_root / hashed).stat().st_size for name, hashed in manifest.items() if name.endswith(".css")}
    name = min((name for name, size in sizes.items() if size > 0), key=sizes.get)
    return f"/static/{manifest[name]}"


def site_env(*, var_dir: Path, database_url: str, cache_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL", "API_CACHE_SECONDS")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DIALOGDESK_VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(var_dir / "static"),
        "MEDIA_ROOT": str(var_dir / "media"),
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


# --- The benchmark ---------------------------------------------------------------------

def benchmark(arguments) -> dict:
    run_started = time.monotonic()
    gunicorn_settings = GunicornSettings(
        workers=arguments.workers, worker_class=arguments.worker_class, threads=arguments.threads,
    )
    load = {"concurrency": arguments.concurrency, "duration_s": arguments.duration, "warmup_s": arguments.warmup}

    with ExitStack() as stack:
        var_dir = Path(tempfile.mkdtemp(prefix="dialogdesk-bench-"))
        stack.callback(shutil.rmtree, var_dir, ignore_errors=True)
        database = stack.enter_context(ThrowawayDatabase(base_url=os.environ.get("DATABASE_URL"), var_dir=var_dir))

        cached_env = site_env(var_dir=var_dir, database_url=database.url, cache_url=arguments.cache_url)
        prepare_site(cached_env, news=arguments.news)
        static_path = collected_static_path(var_dir / "static")

        # API_CACHE_SECONDS=0 keeps the cache middleware in the path (key, lookup,
        # ETag, store) but every stored entry expires at once: a true miss each time.
        uncached_env = {**cached_env, "API_CACHE_SECONDS": "0"}
        cached = stack.enter_context(Gunicorn(label="cached", env=cached_env, settings=gunicorn_settings, log_dir=var_dir))
        uncached = stack.enter_context(
            Gunicorn(label="uncached", env=uncached_env, settings=gunicorn_settings, log_dir=var_dir)
        )
        cached.wait_ready(static_path)
        uncached.wait_ready(static_path)

        status, _headers, body = http_get(cached.port, LIST_PATH)
        if status != 200:
            raise RuntimeError(f"{LIST_PATH} answered {status}: {body[:500]!r}")
        listing = json.loads(body)
        german_news = listing["meta"]["total_count"]
        if german_news < MIN_GERMAN_NEWS:
            raise RuntimeError(f"only {german_news} German news articles; {MIN_GERMAN_NEWS} needed")
        detail_path = DETAIL_PATH_TEMPLATE.format(id=listing["items"][0]["id"])
        _status, static_headers, _body = http_get(cached.port, static_path)
        _status, detail_headers, _body = http_get(cached.port, detail_path)

        scenarios_plan = [
            ("static", cached, static_path),
            ("cached_list", cached, LIST_PATH),
            ("cached_detail", cached, detail_path),
            ("uncached_list", uncached, LIST_PATH),
            ("uncached_detail", uncached, detail_path),
        ]
        # One connection shows the service time without queueing behind the other seven.
        scenarios_plan.append(("uncached_detail_serial", uncached, detail_path))
        # The baseline is measured first and last and reported over both runs, so
        # drift in background load over the run does not favour one side.
        scenarios_plan.append(("static_again", cached, static_path))
        results: dict[str, ScenarioResult] = {}
        load_average_before = os.getloadavg()
        skipped = []
        for name, server, path in scenarios_plan:
            # Keep the whole run inside its budget on a slow or busy machine.
            if time.monotonic() - run_started + arguments.warmup + arguments.duration + CLEANUP_ALLOWANCE_S > arguments.budget:
                logger.warning("skipping %s: the %s s budget would be exceeded", name, arguments.budget)
                skipped.append(name)
                continue
            results[name] = run_load(
                port=server.port, path=path, duration=arguments.duration, warmup=arguments.warmup,
                concurrency=1 if name.endswith("_serial") else arguments.concurrency,
            )
            logger.info("%-16s %s x-cache=%s", name, results[name].summary(), results[name].x_cache)
            if results[name].errors:
                status, _headers, body = http_get(server.port, path)
                logger.warning("%s: errors %s; one more request answered %s: %r\n%s", name, results[name].error_kinds,
                               status, body[:300], server.log_tail(15))
        database_version = database.server_version()
        # Both at once; the ExitStack then only waits for them.
        cached.stop()
        uncached.stop()

    static_runs = [results.pop(name) for name in ("static", "static_again") if name in results]
    results = {"static": merge_results(static_runs), **results}
    missing = ScenarioResult(requests=0, rps=0.0, p50_ms=math.nan, p99_ms=math.nan, errors=0)
    for name in ("cached_list", "cached_detail", "uncached_list", "uncached_detail"):
        results.setdefault(name, missing)

    static_rps = results["static"].rps
    ratios = {
        "cached_list_rps/static_rps": round(results["cached_list"].rps / static_rps, 3) if static_rps else None,
        "cached_detail_rps/static_rps": round(results["cached_detail"].rps / static_rps, 3) if static_rps else None,
    }
    met = {
        "cached_list_rps_ge_half_static": bool(ratios["cached_list_rps/static_rps"] and
                                               ratios["cached_list_rps/static_rps"] >= TARGET_CACHED_RATIO),
        "cached_detail_rps_ge_half_static": bool(ratios["cached_detail_rps/static_rps"] and
                                                 ratios["cached_detail_rps/static_rps"] >= TARGET_CACHED_RATIO),
        "uncached_detail_p50_lt_30ms": results["uncached_detail"].p50_ms < TARGET_UNCACHED_DETAIL_P50_MS,
    }
    met["all"] = all(met.values())
    return {
        "scenarios": {name: result.summary() for name, result in results.items()},
        "baseline_static": {**results["static"].summary(), "rps_per_run": [round(r.rps, 1) for r in static_runs]},
        "ratios": ratios,
        "targets": {
            "cached_rps_min_ratio_to_static": TARGET_CACHED_RATIO,
            "uncached_detail_p50_ms_max": TARGET_UNCACHED_DETAIL_P50_MS,
        },
        "targets_met": met,
        "x_cache": {name: result.x_cache for name, result in results.items() if name != "static"},
        "error_kinds": {name: result.error_kinds for name, result in results.items() if result.errors},
        "paths": {"list": LIST_PATH, "detail": detail_path, "static": static_path},
        "headers": {
            "static_cache_control": static_headers.get("cache-control"),
            "api_cache_control": detail_headers.get("cache-control"),
        },
        "skipped_scenarios": skipped,
        "german_news_articles": german_news,
        "database": {"engine": database.engine, "version": database_version},
        "cache_backend": urlsplit(arguments.cache_url).scheme,
        "gunicorn": {**asdict(gunicorn_settings), "servers": "one with the API cache, one with API_CACHE_SECONDS=0"},
        "load": {**load, "client": "threads, one http.client keep-alive connection each",
                 "serial_scenarios_concurrency": 1},
        "cpu_count": os.cpu_count(),
        # The load generator shares these CPUs with gunicorn (and anything else running).
        "load_average_1m": {"before": round(load_average_before[0], 2), "after": round(os.getloadavg()[0], 2)},
        "python": sys.version.split()[0],
        "elapsed_s": round(time.monotonic() - run_started, 1),
    }


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds per scenario (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each scenario (default 1)")
    parser.add_argument("--concurrency", type=int, default=8, help="parallel keep-alive connections (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"), help="default gthread")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument("--news", type=int, default=MIN_GERMAN_NEWS + 5,
                        help="generated German news articles on top of the demo (default 25)")
    parser.add_argument("--budget", type=float, default=115.0,
                        help="seconds the whole run may take; scenarios that would overrun are skipped (default 115)")
    parser.add_argument("--cache-url", default="locmemcache://dialogdesk-bench",
                        help="CACHE_URL for gunicorn (default per-process locmem). Use a throwaway Redis database only: "
                             "publishing the generated content bumps the API cache generation there.")
    arguments = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    # SIGTERM would otherwise end us without running the cleanup in benchmark().
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    report = benchmark(arguments)
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
