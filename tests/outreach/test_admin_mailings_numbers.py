"""The same recipient count everywhere, numbers in German, the outbox by subject and local time, tests linked."""

import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outreach.models import Message
from outreach.services.mailings import mailing_send
from outreach.viewsets.numbers import percent, sending_rate
from tests.outreach.sending_fixtures import make_contacts, make_mailing, mail_settings, sender  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


@pytest.fixture
def german_client(django_user_model):
    from outreach.services.roles import press_office_group_ensure

    user = django_user_model.objects.create_user("presse-zahlen", "presse-zahlen@example.org", "pw-for-tests-only")
    user.groups.add(press_office_group_ensure())
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(user)
    return client


def test_the_list_shows_a_drafts_recipients_as_the_overview_does(german_client, sender):
    mailing = make_mailing(sender=sender, contacts=make_contacts(5))
    overview = german_client.get(reverse("outreach_mailings:overview", args=[mailing.pk])).content.decode()
    assert "Empfänger bei sofortigem Versand" in overview
    listing = german_client.get(reverse("outreach_mailings:index"))
    row = listing.content.decode().split(mailing.title)[-1].split("</tr>")[0]
    assert ">5<" in row.replace(" ", "").replace("\n", "")


def test_percentages_and_rates_in_german():
    from django.utils import translation

    with translation.override("de"):
        assert percent(0) == "0,0 %"
        assert percent(12.5) == "12,5 %"
        assert sending_rate(per_second=0.1, per_minute=6, window_seconds=30) == \
            "6 Nachrichten pro Minute (letzte 30 s)"
        assert sending_rate(per_second=12.3, per_minute=738, window_seconds=30) == \
            "12,3 Nachrichten pro Sekunde (letzte 30 s)"
    with translation.override("en"):
        assert percent(12.5) == "12.5 %"


def test_report_and_progress_speak_german(german_client, sender):
    mailing = make_mailing(sender=sender, contacts=make_contacts(3), locales=("de",))
    mailing_send(mailing=mailing)
    # Two messages accepted within the last half minute: a slow run, shown per minute.
    ids = list(Message.objects.filter(mailing=mailing).values_list("id", flat=True)[:2])
    Message.objects.filter(id__in=ids).update(status=Message.Status.ACCEPTED, sent_at=timezone.now())
    progress = german_client.get(reverse("outreach_mailings:progress_json", args=[mailing.pk])).json()
    assert progress["rate_label"] == "4 Nachrichten pro Minute (letzte 30 s)"
    page = german_client.get(reverse("outreach_mailings:progress", args=[mailing.pk])).content.decode()
    assert "4 Nachrichten pro Minute" in page
    report = german_client.get(reverse("outreach_mailings:report", args=[mailing.pk])).content.decode()
    assert "0,0 % der zugestellten" in report and "0.0 %" not in report


def test_a_test_send_links_to_its_outbox_message_in_local_time(german_client, sender, settings):
    mailing = make_mailing(sender=sender, contacts=make_contacts(1), locales=("de",))
    response = german_client.post(reverse("outreach_mailings:test_send", args=[mailing.pk]),
                                  {"addresses": "pruefung@example.org"})
    html = response.content.decode()
    link = html.split('data-outbox-link')[0].rsplit('href="', 1)[1].split('"')[0]
    assert link.startswith(reverse("outreach_outbox:index"))
    message = german_client.get(link).content.decode()
    assert "[TEST] Einladung zum Industriedialog" in message
    filename = link.rstrip("/").rsplit("/", 1)[1]
    assert filename not in message.split("<title>")[1].split("</title>")[0]  # titled by subject, not file name
    # The Date header (UTC in the file) is shown in Europe/Berlin, in German.
    local = timezone.localtime(timezone.now(), timezone=zoneinfo.ZoneInfo("Europe/Berlin"))
    shown = message.split("data-outbox-date>")[1].split("</dd>")[0]
    assert local.strftime("%H:") in shown and str(local.year) in shown
    assert "+0000" not in shown and "GMT" not in shown
