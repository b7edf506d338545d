"""A press officer logs in and finds, on the German dashboard, the follow-ups due today and overdue (not
tomorrow's, not done ones, not a colleague's), and opens the contact from there."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import Contact, FollowUp
from outreach.services.activity import follow_up_close, follow_up_create
from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_dashboard_shows_due_and_overdue_follow_ups(browser, live_server, press_office_user, django_user_model):
    today = timezone.localdate()
    colleague = django_user_model.objects.create_user("kollegin", "kollegin@example.org", "pw-e2e-only")
    lena = Contact.objects.create(email="lena.vogt@example.org", first_name="Lena", last_name="Vogt")
    ole = Contact.objects.create(email="ole.brandt@example.org", first_name="Ole", last_name="Brandt")
    follow_up_create(contact=lena, title="Lena Vogt wegen Interview anrufen", due_on=today, owner=press_office_user)
    follow_up_create(contact=ole, title="Fotos an Ole Brandt schicken", due_on=today - datetime.timedelta(days=3))
    follow_up_create(contact=lena, title="Erst morgen fällig", due_on=today + datetime.timedelta(days=1),
                     owner=press_office_user)
    follow_up_create(contact=ole, title="Aufgabe der Kollegin", due_on=today, owner=colleague)
    done = follow_up_create(contact=ole, title="Schon erledigt", due_on=today, owner=press_office_user)
    follow_up_close(follow_up=done)

    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    admin_login(page, live_server, press_office_user.username, PRESS_OFFICE_PASSWORD)

    panel = page.locator("#press-office-due-section")
    panel.wait_for()
    assert "Fällige Wiedervorlagen" in page.locator("main").inner_text()
    text = panel.inner_text()
    assert "Lena Vogt wegen Interview anrufen" in text and "Fotos an Ole Brandt schicken" in text
    for hidden in ("Erst morgen fällig", "Aufgabe der Kollegin", "Schon erledigt"):
        assert hidden not in text
    overdue_row = panel.locator("tr", has_text="Fotos an Ole Brandt schicken")
    assert "überfällig" in overdue_row.inner_text()
    assert (today - datetime.timedelta(days=3)).strftime("%d.%m.%Y") in overdue_row.inner_text()
    assert "überfällig" not in panel.locator("tr", has_text="Lena Vogt wegen Interview anrufen").inner_text()
    page.screenshot(path="/tmp/e2e-dashboard-follow-ups.png", full_page=True)

    panel.get_by_role("link", name="Fotos an Ole Brandt schicken").click()
    page.wait_for_url(f"**{reverse('outreach_contacts:inspect', args=[ole.pk])}")
    main = page.locator("main").inner_text()
    assert "Ole Brandt" in main and "Fotos an Ole Brandt schicken" in main
    assert FollowUp.objects.filter(status=FollowUp.Status.OPEN, due_on__lte=today).count() == 3
