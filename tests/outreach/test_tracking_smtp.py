"""A tracked mailing sent through a real SMTP server (aiosmtpd): what arrives, and following it with the test client."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from outreach.models import ActivityEvent, MailingContent, Message, MessageEvent, SuppressionEntry
from outreach.selectors_tracking import mailing_open_stats
from outreach.services.sending import message_batch_send
from outreach.services.test_sends import mailing_test_send
from tests.outreach.sending_fixtures import (  # noqa: F401
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
    smtp_settings,
    smtp_sink,
)
from tests.outreach.test_tracking_views import (  # noqa: F401
    BASE,
    PROGRAMME_DE,
    PROGRAMME_EN,
    SIGNUP_DE,
    TRACKED_MJML,
    base_url,
    tracked_mailing,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("smtp_settings", "base_url")]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.images = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if tag == "img":
            self.images.append(attributes.get("src", ""))


def received_html(sink, address: str):
    [item] = [item for item in sink.received if item.rcpt_tos == [address]]
    message = item.message
    parser = _Links()
    parser.feed(message.get_body(("html",)).get_content())
    return message, parser


def local(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE
    return parts.path


@pytest.fixture
def people():
    return {
        "de": make_contacts(1, prefix="schmidt", language="de", first_name="Anna", last_name="Schmidt")[0],
        "en": make_contacts(1, prefix="miller", language="en", first_name="Jane", last_name="Miller")[0],
    }


class TrackedMailTests:
    def test_follow_the_received_mail(self, client, sender, smtp_sink, people):
        mailing = tracked_mailing(sender=sender, contacts=list(people.values()))
        assert message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1").accepted == 2
        german = Message.objects.get(mailing=mailing, contact=people["de"])
        mail, links = received_html(smtp_sink, people["de"].email)

        tracked = [href for href in links.hrefs if href.startswith(f"{BASE}/o/c/{german.token}/")]
        unsubscribe = [href for href in links.hrefs if href.startswith(f"{BASE}/o/u/")]
        assert [href for href in links.hrefs if href not in tracked + unsubscribe] == ["mailto:presse@dialogdesk.test"]
        assert "www.example.org" not in mail.get_body(("html",)).get_content()  # every http(s) link goes through us
        assert [client.get(local(href))["Location"] for href in tracked] == [PROGRAMME_DE, SIGNUP_DE]
        # The visible unsubscribe link is the one from the header, not a tracked redirect.
        assert unsubscribe == [mail["List-Unsubscribe"].split(">")[0].lstrip("<")]

        [pixel] = [src for src in links.images if src.startswith(f"{BASE}/o/o/")]
        assert client.get(local(pixel), HTTP_USER_AGENT="Mozilla/5.0").status_code == 200  # Apple's prefetch
        assert client.get(local(pixel), HTTP_USER_AGENT="Mozilla/5.0 (Macintosh; Mail)").status_code == 200

        stats = mailing_open_stats(mailing=mailing)
        assert (stats.unique_opens, stats.opens, stats.unique_clicks, stats.clicks) == (1, 1, 1, 2)
        kinds = set(ActivityEvent.objects.filter(contact=people["de"]).values_list("kind", flat=True))
        assert {"mailed", "opened", "clicked"} <= kinds

        _mail, english_links = received_html(smtp_sink, people["en"].email)
        english = [href for href in english_links.hrefs if "/o/c/" in href]
        assert [client.get(local(href))["Location"] for href in english] == [PROGRAMME_EN]

    def test_one_click_from_the_header_then_the_next_mailing_leaves_them_out(self, client, sender, smtp_sink, people):
        mailing = tracked_mailing(sender=sender, contacts=list(people.values()))
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")
        mail, _links = received_html(smtp_sink, people["de"].email)
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        one_click = mail["List-Unsubscribe"].split(">")[0].lstrip("<")

        assert client.get(local(one_click)).status_code == 200
        assert not SuppressionEntry.objects.filter(email_hash=people["de"].email_hash).exists()
        response = client.post(local(one_click), data="List-Unsubscribe=One-Click",
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        assert SuppressionEntry.objects.get(email_hash=people["de"].email_hash).reason == "unsubscribe"

        second = tracked_mailing(sender=sender, contacts=list(people.values()), title="Zweite Einladung")
        assert (second.recipients_count, second.suppressed_count) == (1, 1)
        message_batch_send(mailing_id=second.pk, worker_task_id="task-2")
        assert [item.rcpt_tos for item in smtp_sink.received].count([people["de"].email]) == 1

    def test_tracking_off_no_pixel_and_links_unchanged(self, client, sender, smtp_sink, people):
        mailing = tracked_mailing(sender=sender, contacts=[people["de"]], track_opens=False, track_clicks=False)
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")
        mail, links = received_html(smtp_sink, people["de"].email)

        assert "/o/c/" not in mail.as_string() and "/o/o/" not in mail.as_string()
        assert [href for href in links.hrefs if "/o/u/" not in href] == [
            PROGRAMME_DE, "mailto:presse@dialogdesk.test", SIGNUP_DE,
        ]
        assert not [src for src in links.images if src.startswith(BASE)]
        assert not MessageEvent.objects.filter(message__mailing=mailing).exists()

    def test_opens_only_leaves_links_alone(self, sender, smtp_sink, people):
        mailing = tracked_mailing(sender=sender, contacts=[people["de"]], track_opens=True, track_clicks=False)
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")
        _mail, links = received_html(smtp_sink, people["de"].email)
        assert PROGRAMME_DE in links.hrefs and SIGNUP_DE in links.hrefs
        assert len([src for src in links.images if src.startswith(f"{BASE}/o/o/")]) == 1

    def test_a_test_send_is_not_tracked(self, sender, smtp_sink, people):
        # Its token matches no message: a tracked link would take the tester to a 404.
        mailing = make_mailing(sender=sender, contacts=[], track_opens=True, track_clicks=True)
        MailingContent.objects.filter(mailing=mailing, locale="de").update(body_mjml=TRACKED_MJML["de"])
        mailing_test_send(mailing=mailing, addresses=["tester@example.org"], locales=["de"])
        _mail, links = received_html(smtp_sink, "tester@example.org")
        assert PROGRAMME_DE in links.hrefs and not [src for src in links.images if "/o/o/" in src]
