"""Chooses the backing services for the test run, before Django's settings load.

Loaded as a pytest plugin (-p tests.service_env in pyproject.toml) so that it
runs before pytest-django imports cms.settings. Configured URLs win; unset
ones fall back to PostgreSQL and Redis on localhost when they answer, and to
SQLite and the filesystem broker when they do not. Tests that need a missing
service are skipped with the reason, or fail when
DIALOGDESK_REQUIRE_SERVICES=1 (as in CI).
"""

import os
import socket
import tempfile
from urllib.parse import urlparse

REQUIRE_SERVICES = os.environ.get("DIALOGDESK_REQUIRE_SERVICES") == "1"
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/dialogdesk"
LOCAL_REDIS = "redis://127.0.0.1:6379"


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=0.5):
            return True
    except OSError:
        return False


if "DATABASE_URL" not in os.environ and reachable(LOCAL_POSTGRES, 5432):
    os.environ["DATABASE_URL"] = LOCAL_POSTGRES
if "REDIS_URL" not in os.environ and reachable(LOCAL_REDIS, 6379):
    os.environ["REDIS_URL"] = LOCAL_REDIS

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
HAS_POSTGRES = DATABASE_URL.startswith(("postgres", "postgis")) and reachable(DATABASE_URL, 5432)
HAS_REDIS = bool(REDIS_URL) and reachable(REDIS_URL, 6379)

os.environ.setdefault("DIALOGDESK_VAR_DIR", tempfile.mkdtemp(prefix="dialogdesk-test-"))
# STATIC_ROOT exists, as after collectstatic: whitenoise warns at every start-up otherwise.
os.makedirs(os.path.join(os.environ["DIALOGDESK_VAR_DIR"], "static"), exist_ok=True)
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789abcdef0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("DIALOGDESK_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("CACHE_URL", "locmemcache://dialogdesk-tests")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("WAGTAILADMIN_BASE_URL", "http://testserver")
if "CELERY_BROKER_URL" not in os.environ:
    os.environ["CELERY_BROKER_URL"] = f"{REDIS_URL}/14" if HAS_REDIS else "filesystem://"


def missing_service_reason(item) -> str | None:
    if item.get_closest_marker("postgres") and not HAS_POSTGRES:
        return f"needs PostgreSQL (DATABASE_URL={DATABASE_URL or 'unset'}) and it is not reachable"
    if item.get_closest_marker("redis") and not HAS_REDIS:
        return f"needs Redis (REDIS_URL={REDIS_URL or 'unset'}) and it is not reachable"
    return None


def skip_or_fail(reason: str):
    """Skip a test that needs what this machine lacks, or fail it when DIALOGDESK_REQUIRE_SERVICES=1.

    The reason completes "the test ...", e.g. "needs Chromium (...) and it is not installed".
    """
    import pytest

    if REQUIRE_SERVICES:
        pytest.fail(f"DIALOGDESK_REQUIRE_SERVICES=1 but the test {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    reason = missing_service_reason(item)
    if reason is not None:
        skip_or_fail(reason)


def pytest_report_header(config):
    return [
        f"dialogdesk: database={'PostgreSQL' if HAS_POSTGRES else 'SQLite'} "
        f"redis={'yes' if HAS_REDIS else 'no'} broker={os.environ['CELERY_BROKER_URL'].split(':')[0]} "
        f"require_services={REQUIRE_SERVICES}"
    ]
