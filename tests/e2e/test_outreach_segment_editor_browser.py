"""The segment editor in Chromium: a pick list for a field with choices, a condition added without saving,
and the live count, all under the admin's strict Content-Security-Policy (static script, no inline code)."""

import pytest
from django.urls import reverse

from outreach.models import Segment
from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login
from tests.outreach.factories import ContactFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_pick_values_add_a_condition_and_watch_the_count(browser, live_server, press_office_user):
    ContactFactory(email="de1@example.org", language="de")
    ContactFactory(email="en1@example.org", language="en")
    ContactFactory(email="en2@example.org", language="en")
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    admin_login(page, live_server, press_office_user.username, PRESS_OFFICE_PASSWORD)

    page.goto(f"{live_server.url}{reverse('outreach_segments:add')}")
    rows = page.locator("tr[data-condition-row]")
    assert rows.count() == 2
    page.get_by_role("button", name="Bedingung hinzufügen").click()
    assert rows.count() == 3 and page.locator("#id_conditions-TOTAL_FORMS").input_value() == "3"

    page.select_option("#id_conditions-0-field", "language")
    picker = rows.nth(0).locator("select[data-value-picker]")
    assert "Englisch" in picker.inner_text() and not page.locator("#id_conditions-0-value").is_visible()
    picker.select_option("Englisch")
    page.wait_for_function("() => document.querySelector('[data-segment-count]').textContent.includes('2 Kontakte')")
    page.screenshot(path="/tmp/e2e-segment-editor.png", full_page=True)

    page.fill("#id_name", "Englischsprachige Presse")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}{reverse('outreach_segments:index')}")
    segment = Segment.objects.get()
    assert segment.rules["conditions"] == [{"field": "language", "op": "in", "value": ["en"]}]
    assert not [error for error in errors if "Content Security Policy" in error or "Refused" in error]
