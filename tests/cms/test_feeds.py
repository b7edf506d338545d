"""The iCalendar feed of upcoming events."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from cms.models import EventIndexPage
from tests.cms.factories import EventPageFactory

pytestmark = pytest.mark.django_db

FEED = "/feeds/events.ics"


@pytest.fixture
def events_index(german):
    return EventIndexPage.objects.get(locale=german)


def feed(client, headers=None, **params) -> Calendar:
    response = client.get(FEED, params, **(headers or {}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def summaries(calendar: Calendar) -> list[str]:
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def test_feed_lists_upcoming_published_events_in_order(client, events_index):
    now = timezone.now()
    EventPageFactory(parent=events_index, title="Bald", start_at=now + datetime.timedelta(days=1))
    EventPageFactory(parent=events_index, title="Vorbei", start_at=now - datetime.timedelta(days=3))
    EventPageFactory(
        parent=events_index, title="Gestern begonnen, heute vorbei",
        start_at=now - datetime.timedelta(hours=20), end_at=now - datetime.timedelta(hours=1),
    )
    EventPageFactory(parent=events_index, title="Entwurf", start_at=now + datetime.timedelta(days=2), live=False)
    private = EventPageFactory(parent=events_index, title="Privat", start_at=now + datetime.timedelta(days=2))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    found = summaries(feed(client, locale="de"))
    assert found[0] == "Bald"
    assert "Bundesweites Treffen der Industrieinitiativen" in found
    assert "Regionaler Industriedialog Thüringen" in found
    for hidden in ("Vorbei", "Gestern begonnen, heute vorbei", "Entwurf", "Privat"):
        assert hidden not in found


def test_an_event_that_is_running_is_still_listed(client, events_index):
    now = timezone.now()
    EventPageFactory(
        parent=events_index, title="Messe (läuft)",
        start_at=now - datetime.timedelta(days=3), end_at=now + datetime.timedelta(days=2),
    )
    EventPageFactory(parent=events_index, title="Ohne Ende, vorbei", start_at=now - datetime.timedelta(hours=3), end_at=None)
    found = summaries(feed(client, locale="de"))
    assert "Messe (läuft)" in found
    assert "Ohne Ende, vorbei" not in found


def test_events_carry_times_place_and_stable_uid(client, events_index):
    start = (timezone.now() + datetime.timedelta(days=5)).replace(microsecond=0)
    page = EventPageFactory(parent=events_index, title="Dialog Krefeld", start_at=start, end_at=None,
                            place="Krefeld", address="Rathaus\nVon-der-Leyen-Platz 1", summary="Kurz")
    event = next(e for e in feed(client, locale="de").walk("VEVENT") if str(e["SUMMARY"]) == "Dialog Krefeld")
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + datetime.timedelta(hours=2)
    assert str(event["LOCATION"]) == "Krefeld, Rathaus, Von-der-Leyen-Platz 1"
    assert str(event["UID"]) == f"{page.translation_key}-de@dialogdesk"
    assert event.decoded("DTSTAMP").utcoffset() == datetime.timedelta(0)


def test_english_feed_lists_english_events(client):
    calendar = feed(client, locale="en")
    found = summaries(calendar)
    assert "Nationwide meeting of industry initiatives" in found
    assert "Bundesweites Treffen der Industrieinitiativen" not in found
    assert all(str(uid).endswith("-en@dialogdesk") for uid in (e["UID"] for e in calendar.walk("VEVENT")))


def test_calendar_name_follows_the_feed_locale_not_the_browser(client):
    german = feed(client, locale="de", headers={"HTTP_ACCEPT_LANGUAGE": "en"})
    english = feed(client, locale="en", headers={"HTTP_ACCEPT_LANGUAGE": "de"})
    assert german["PRODID"].endswith("DE") and english["PRODID"].endswith("EN")
    assert german["X-WR-CALNAME"] and english["X-WR-CALNAME"]


def test_unknown_locale_is_400(client):
    response = client.get(FEED, {"locale": "xx"})
    assert response.status_code == 400
    assert b"xx" in response.content


def test_only_get(client):
    assert client.post(FEED).status_code == 405
