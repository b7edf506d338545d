"""Fixtures for press: a press officer with the rights the demo grants, the German newsroom, a release form."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from press.models import NewsroomPage, PressContact, PressReleasePage

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def press_officer(django_user_model):
    from press.services.roles import press_office_newsroom_grant

    user = django_user_model.objects.create_user("test-presse", "presse-test@example.org")
    user.groups.add(press_office_newsroom_grant())
    return user


@pytest.fixture
def press_client(client, press_officer):
    client.force_login(press_officer)
    return client


@pytest.fixture
def newsroom(german):
    return NewsroomPage.objects.get(locale=german)


@pytest.fixture
def press_contact():
    return PressContact.objects.get(name="Simone Ebel-Schmidt")


@pytest.fixture
def image_factory():
    from tests.cms.factories import CreditedImageFactory

    def make(**fields):
        fields.setdefault("alt_text", "Menschen im Gespräch")
        return CreditedImageFactory(**fields)

    return make


def release_form(*, contacts=(), images=(), embargo: datetime.datetime | None = None, action="action-publish",
                 break_embargo=False, **fields) -> dict:
    """The POST body of the admin's press release form."""
    values = {
        "title": "Industriedialog in Thüringen",
        "slug": "industriedialog-thueringen-presse",
        "subtitle": "Auftakt in Erfurt",
        "dateline": "Erfurt",
        "release_date": "2026-03-02",
        "summary": "",
        "body": streamfield([("text", rich_text("<p>Die Industrie lädt ein.</p>"))]),
        "press_contacts": inline_formset([{"contact": contact.pk} for contact in contacts]),
        "images": inline_formset([{"image": image.pk, "caption": ""} for image in images]),
        "documents": inline_formset([]),
        "comments": inline_formset([]),
        "embargo_until": embargo.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") if embargo else "",
        **fields,
    }
    data = nested_form_data(values)
    if break_embargo:
        data["break_embargo"] = "on"
    if action:
        data[action] = action
    return data


def add_url(newsroom) -> str:
    return reverse("wagtailadmin_pages:add", args=["press", "pressreleasepage", newsroom.pk])


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def soon(minutes: int = 60) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(minutes=minutes)).replace(second=0, microsecond=0)


def latest(newsroom) -> PressReleasePage | None:
    return PressReleasePage.objects.child_of(newsroom).filter(slug="industriedialog-thueringen-presse").first()
