"""Wagtail's date picker speaks German in the German admin, its apply button included (the vendored
jQuery plugin writes "Save Selected" as a literal; cms/static/cms/js/datetimepicker-labels.js relabels it)."""

import pytest
from django.urls import reverse

from cms.models import EventPage
from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_event_editors_date_pickers_are_german(browser, live_server, press_office_user, django_user_model):
    django_user_model.objects.create_superuser("datum-root", "datum-root@example.org", PRESS_OFFICE_PASSWORD)
    event = EventPage.objects.filter(locale__language_code="de").first()
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    admin_login(page, live_server, "datum-root", PRESS_OFFICE_PASSWORD)

    page.goto(f"{live_server.url}{reverse('wagtailadmin_pages:edit', args=[event.pk])}")
    buttons = page.locator(".xdsoft_datetimepicker .xdsoft_save_selected")
    assert buttons.count() >= 1
    assert set(buttons.all_text_contents()) == {"Auswahl übernehmen"}

    # A picker opened by the editor: German months and weekdays, no English left in it.
    page.locator("input[name=start_at]").click()
    picker = page.locator(".xdsoft_datetimepicker:visible").first
    picker.wait_for()
    text = picker.text_content()
    assert "Save Selected" not in text
    assert "Auswahl übernehmen" in text
    assert any(month in text for month in ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                                           "September", "Oktober", "November", "Dezember"))
