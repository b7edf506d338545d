"""A throwaway, production-like Dialogdesk site for benchmarks: database, demo data, static files, gunicorn."""

import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.loadgen import HOST, free_port, http_get

logger = logging.getLogger("benchmarks.site")

REPO_ROOT = Path(__file__).resolve().parent.parent
STOP_GRACE_S = 3.0  # then SIGKILL: a benchmark server has nothing to save
# A small stylesheet (about 1 KB, the order of an API detail response) that every install collects.
STATIC_CANDIDATES = ("rest_framework/css/default.css", "admin/css/dashboard.css")


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

