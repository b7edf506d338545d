"""A real Chromium, from Debian's package (never downloaded by Playwright), driven through Playwright."""

import os
import shutil

import pytest

from tests.service_env import skip_or_fail

CHROMIUM = os.environ.get("DIALOGDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # The browser's own words (a file input's "Datei auswählen") in German, as a German office sees them.
    "--lang=de-DE",
]


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium for one test.

    Playwright's sync API runs an event loop in this thread, so Django's ORM
    (the test's own queries) would refuse to run here without
    DJANGO_ALLOW_ASYNC_UNSAFE; monkeypatch restores it afterwards.
    """
    from playwright.sync_api import sync_playwright

    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        skip_or_fail(f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium) and it is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let serialized rollback bring back the demo content, not only what the migrations made.

    The test database is serialized when it is created, before tests/conftest.py
    loads the demo content; restoring that snapshot over the demo content (as a
    transactional test with serialized_rollback does at its start) collides on
    the home page's tree path. So the snapshot is taken again here, with the demo
    content in it. If an earlier transactional test flushed the database, the
    migrations' snapshot is restored first and the demo loaded again.
    """
    from django.db import connection
    from wagtail.models import Page

    from cms.services.demo import demo_content_load

    with django_db_blocker.unblock():
        snapshot = getattr(connection, "_test_serialized_contents", None)
        if snapshot and not Page.objects.exists():
            connection.creation.deserialize_db_from_string(snapshot)
        demo_content_load()
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()



PRESS_OFFICE_PASSWORD = "e2e-only-Passwort-Presse"


@pytest.fixture
def press_office_user(django_user_model):
    """A press officer with no language preference (the admin speaks German), the demo content loaded."""
    from cms.services.demo import demo_content_load
    from outreach.services.roles import press_office_group_ensure

    demo_content_load()
    user = django_user_model.objects.create_user("presse-e2e", "presse-e2e@example.org", PRESS_OFFICE_PASSWORD)
    user.groups.add(press_office_group_ensure())
    return user


def admin_login(page, live_server, username: str, password: str) -> None:
    """Log in through the admin's German login form and wait for the dashboard."""
    from django.urls import reverse

    page.goto(f"{live_server.url}{reverse('wagtailadmin_login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live_server.url}{reverse('wagtailadmin_home')}")
