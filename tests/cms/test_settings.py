"""The settings module refuses unsafe production configurations instead of falling back."""

import os
import subprocess
import sys

import pytest

PRODUCTION_KEY = "a-real-production-secret-key-with-enough-entropy-0123456789"
SETTING_NAMES = (
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "MEDIA_BACKEND", "DATABASE_URL", "CELERY_BROKER_URL",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
)


def load_settings(env: dict, expression: str = "settings.DEBUG") -> subprocess.CompletedProcess:
    code = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cms.settings'); "
        f"from django.conf import settings; print(repr(({expression},)))"
    )
    base = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    return subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True)


def test_production_without_secret_key_refuses_to_start():
    result = load_settings({"DEBUG": "0", "ALLOWED_HOSTS": "dialogdesk.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_the_development_key_refuses_to_start():
    result = load_settings({
        "DEBUG": "0", "ALLOWED_HOSTS": "dialogdesk.example.org",
        "SECRET_KEY": "dialogdesk-development-only-not-for-production",
    })
    assert result.returncode != 0
    assert "development SECRET_KEY" in result.stderr


@pytest.mark.parametrize("hosts", ["", "*"])
def test_production_needs_named_hosts(hosts):
    result = load_settings({"DEBUG": "0", "SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_configuration_loads():
    result = load_settings(
        {"DEBUG": "0", "SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": "dialogdesk.example.org",
         "DATABASE_URL": "postgres://dialogdesk@db.internal:5432/dialogdesk", "CELERY_BROKER_URL": "redis://cache:6379/0"},
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL, settings.SESSION_COOKIE_SECURE",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('django.db.backends.postgresql', 'redis://cache:6379/0', True)"


def test_embedded_default_needs_no_server():
    result = load_settings(
        {"DEBUG": "1"},
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL, settings.LANGUAGE_CODE",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('django.db.backends.sqlite3', 'filesystem://', 'de')"
