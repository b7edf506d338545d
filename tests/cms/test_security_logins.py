"""Finding 12 of issue #9: wrong passwords at /admin/login/ are throttled, with a German message.

Through Wagtail's real login view, as a browser posts the form: with the
database handler (what a locmem or file cache gets) and with the Redis cache.
"""

import datetime
import time

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.core.cache import caches
from django.db.models import F
from django.urls import reverse

from tests.service_env import REDIS_URL

pytestmark = pytest.mark.django_db

PASSWORD = "richtiges-Passwort-2024"
LOCKED_MESSAGE = "Zu viele fehlgeschlagene Anmeldeversuche"
USERNAME = "pressestelle-login"
ADDRESSES = ("203.0.113.7", "198.51.100.20")


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)], autouse=True)
def handler(request, settings):
    """Each test once per way of counting; axes keeps its handler, so it is dropped before and after."""
    if request.param == "redis":
        settings.CACHES = {**settings.CACHES, "axes": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                                       "LOCATION": REDIS_URL, "KEY_PREFIX": "axes-tests"}}
        settings.AXES_CACHE = "axes"
        settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    else:
        settings.AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
    AxesProxyHandler.implementation = None
    yield request.param
    if request.param == "redis":
        for address in ADDRESSES:
            AxesProxyHandler.reset_attempts(username=USERNAME, ip_address=address)
        del caches["axes"]
    AxesProxyHandler.implementation = None


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(USERNAME, "login@example.org", PASSWORD,
                                                 is_superuser=True)


def attempt(client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password},
                       REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="de")


def test_five_wrong_passwords_lock_the_account_for_this_address(client, officer, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = attempt(client, officer.username, "falsch")
        assert response.status_code == 200 and LOCKED_MESSAGE not in response.content.decode()
    response = attempt(client, officer.username, "falsch")
    content = response.content.decode()
    assert response.status_code == 429
    assert LOCKED_MESSAGE in content and 'id="id_username"' in content  # the login form, with the message

    # Locked: even the right password does not get in from here now.
    response = attempt(client, officer.username, PASSWORD)
    assert response.status_code == 429 and LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session

    # Another address is not locked out for this account.
    response = attempt(client, officer.username, PASSWORD, address="198.51.100.20")
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_the_lock_ends_after_the_cool_off(client, officer, settings, handler):
    for _ in range(5):
        attempt(client, officer.username, "falsch")
    assert attempt(client, officer.username, PASSWORD).status_code == 429
    if handler == "redis":
        settings.AXES_COOLOFF_TIME = 1 / 3600  # the keys expire with the cool-off: one second
        AxesProxyHandler.reset_attempts(username=USERNAME, ip_address=ADDRESSES[0])
        for _ in range(5):
            attempt(client, officer.username, "falsch")
        assert attempt(client, officer.username, PASSWORD).status_code == 429
        time.sleep(1.5)
    else:
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))
    assert attempt(client, officer.username, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, officer):
    for _ in range(4):
        attempt(client, officer.username, "falsch")
    assert attempt(client, officer.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, officer.username, "falsch").status_code == 200
    assert attempt(client, officer.username, PASSWORD).status_code == 302


def test_the_login_page_is_german_and_names_the_product(client):
    page = client.get(reverse("wagtailadmin_login"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Bei Dialogdesk anmelden" in page
    assert ">Passwort" in page.replace("\n", "").replace(" ", "")[:100000] or "Passwort" in page
    assert ">Password<" not in page.replace("\n", "").replace(" ", "")
