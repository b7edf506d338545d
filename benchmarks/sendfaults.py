"""Faults for the send benchmark: restarting Redis or PostgreSQL mid-send, and counting that survives them.

--fault redis-restart runs the benchmark against a Redis of its own (redis-server
on a free port, with the persistence the README recommends for production:
appendonly yes, appendfsync everysec), used as the broker and the rate-limit
store, and restarts it (SHUTDOWN, then the same command again on the same port
and data directory). Nothing shared is touched.

--fault postgres-restart runs `pg_ctlcluster <version> <cluster> restart` on the
server named by DATABASE_URL: every other user of that server is cut off too,
so it refuses to run without --allow-shared-restart.
"""

import logging
import shutil
import socket
import subprocess
import time
from pathlib import Path

logger = logging.getLogger("benchmarks.send")

RECONNECT_GIVE_UP_S = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """redis-server on 127.0.0.1:<free port>, data under directory, AOF on."""

    def __init__(self, directory: Path):
        if not shutil.which("redis-server"):
            raise SystemExit("--fault redis-restart needs redis-server on PATH.")
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> "PrivateRedis":
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
                   "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "yes"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 20.0) -> None:
        import redis

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not come up")

    def restart(self) -> float:
        """SHUTDOWN (the AOF is written and fsynced) and start again; returns the seconds it was away."""
        import redis

        started = time.monotonic()
        try:
            redis.Redis(port=self.port, socket_timeout=5).shutdown()
        except redis.ConnectionError:
            pass  # the server closes the connection as it goes: the expected answer
        self.process.wait(timeout=30)
        self.start()
        return time.monotonic() - started

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def restart_postgres(*, version: str, cluster: str) -> float:
    started = time.monotonic()
    subprocess.run(["pg_ctlcluster", version, cluster, "restart"], check=True, timeout=120)
    return time.monotonic() - started


def retrying(function, *, what: str):
    """Run function(), reconnecting Django's connections while the database is away (a restart)."""
    from django.db import InterfaceError, OperationalError, connections

    deadline = time.monotonic() + RECONNECT_GIVE_UP_S
    while True:
        try:
            return function()
        except (OperationalError, InterfaceError) as exc:
            if time.monotonic() > deadline:
                raise
            logger.info("%s: database away (%s); reconnecting", what, str(exc).splitlines()[0])
            for connection in connections.all():
                connection.close_if_unusable_or_obsolete()
                try:
                    connection.close()
                except (OperationalError, InterfaceError):
                    pass
            time.sleep(0.5)
