"""Open pixel, click redirect and one-click unsubscribe through the real views (Django test client).

The mailings are frozen for real (rendered, one Message per contact) and not
sent; the mails themselves are followed in test_tracking_smtp.py.
"""

import io

import pytest
from django.test import Client
from PIL import Image

from outreach.delivery.headers import unsubscribe_signature, unsubscribe_url
from outreach.models import (
    ActivityEvent,
    Contact,
    Mailing,
    MailingContent,
    Message,
    MessageEvent,
    SuppressionEntry,
    email_hash,
)
from outreach.selectors_tracking import mailing_open_stats
from outreach.services import tracking as tracking_services
from outreach.services.contacts import contact_erase
from outreach.services.mailings import mailing_send
from outreach.services.tracking import TrackingNotFound, message_unsubscribe
from outreach.tracking.tokens import (
    click_signature,
    click_url,
    open_pixel_url,
    open_signature,
)
from tests.outreach.sending_fixtures import (  # noqa: F401
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings", "base_url")]

BASE = "https://dialogdesk.example"
PROGRAMME_DE = "https://www.example.org/programm?tag=1&ort=krefeld"
SIGNUP_DE = "https://www.example.org/anmeldung"
PROGRAMME_EN = "https://www.example.org/en/programme"

TRACKED_MJML = {
    "de": """<mjml><mj-body><mj-section><mj-column>
<mj-text>{{ salutation }}</mj-text>
<mj-text>Das <a href="https://www.example.org/programm?tag=1&amp;ort=krefeld">Programm</a>;
Fragen an <a href="mailto:presse@dialogdesk.test">die Pressestelle</a>.</mj-text>
<mj-button href="https://www.example.org/anmeldung">Anmelden</mj-button>
</mj-column></mj-section></mj-body></mjml>""",
    "en": """<mjml><mj-body><mj-section><mj-column>
<mj-text>{{ salutation }} See the <a href="https://www.example.org/en/programme">programme</a>.</mj-text>
</mj-column></mj-section></mj-body></mjml>""",
}


@pytest.fixture
def base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE


def tracked_mailing(*, sender, contacts, track_opens=True, track_clicks=True, **fields) -> Mailing:
    """A mailing with links in German and English, frozen (rendered, one message each), not sent."""
    mailing = make_mailing(sender=sender, contacts=contacts, track_opens=track_opens, track_clicks=track_clicks,
                           **fields)
    for locale, mjml in TRACKED_MJML.items():
        MailingContent.objects.filter(mailing=mailing, locale=locale).update(body_mjml=mjml)
    return mailing_send(mailing=mailing)


def path(url: str) -> str:
    assert url.startswith(BASE + "/o/")
    return url[len(BASE):]


@pytest.fixture
def german(sender):
    contact = make_contacts(1, prefix="schmidt", language="de", first_name="Anna", last_name="Schmidt")[0]
    mailing = tracked_mailing(sender=sender, contacts=[contact])
    return Message.objects.select_related("contact", "mailing").get(mailing=mailing)


def events(message, kind) -> list[MessageEvent]:
    return list(MessageEvent.objects.filter(message=message, kind=kind).order_by("id"))


def timeline(message, kind) -> int:
    subject = message.mailing.activity_subject
    return ActivityEvent.objects.filter(contact=message.contact, kind=kind, subject=subject).count()


class OpenPixelTests:
    def test_a_real_gif_not_cached_and_one_timeline_event_for_many_opens(self, client, german):
        thunderbird = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.0"
        first = client.get(path(open_pixel_url(german.token)), HTTP_USER_AGENT=thunderbird)
        client.get(path(open_pixel_url(german.token)), HTTP_USER_AGENT=thunderbird)

        assert first.status_code == 200 and first["Content-Type"] == "image/gif"
        image = Image.open(io.BytesIO(first.content))
        assert (image.format, image.size) == ("GIF", (1, 1))
        assert "no-store" in first["Cache-Control"]
        assert [e.data for e in events(german, "open")] == [{"privacy_prefetch": False}] * 2
        assert timeline(german, "opened") == 1

    def test_head_is_no_open(self, client, german):
        assert client.head(path(open_pixel_url(german.token))).status_code == 200
        assert events(german, "open") == []

    @pytest.mark.parametrize("mangle", [
        lambda token, sig: f"/o/o/{token}/{'0' * len(sig)}.gif",
        lambda token, sig: f"/o/o/{token[:-1]}{'a' if token[-1] != 'a' else 'b'}/{sig}.gif",
        lambda token, sig: f"/o/o/{token}/{sig[:-1]}.gif",
        lambda token, sig: f"/o/o/{token.upper()}/{sig}.gif",
        lambda token, sig: f"/o/o/{token}/{click_signature(token, 0)}.gif",
    ])
    def test_forged_or_altered_urls_are_404(self, client, german, mangle):
        assert client.get(mangle(german.token, open_signature(german.token))).status_code == 404
        assert events(german, "open") == []

    def test_a_well_signed_token_of_no_message_is_404(self, client, german):
        assert client.get(path(open_pixel_url("a" * 24))).status_code == 404


class PrivacyPrefetchTests:
    def test_apple_proxy_fetches_are_flagged_and_left_out_of_unique_opens(self, client, german, settings):
        url = path(open_pixel_url(german.token))
        client.get(url, HTTP_USER_AGENT="Mozilla/5.0")  # Apple's proxy: bare user agent
        client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (Macintosh)", REMOTE_ADDR="17.58.101.7")  # Apple's network
        client.get(url, REMOTE_ADDR="::ffff:17.1.2.3")
        # Behind an untrusted proxy, X-Forwarded-For is anyone's to write: not believed.
        client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (Macintosh)", HTTP_X_FORWARDED_FOR="17.58.101.7, 10.0.0.1")

        assert [e.data["privacy_prefetch"] for e in events(german, "open")] == [True, True, True, False]
        assert timeline(german, "opened") == 1
        stats = mailing_open_stats(mailing=german.mailing)
        assert (stats.unique_opens, stats.opens, stats.prefetched) == (1, 1, 0)

    def test_only_prefetches_count_as_prefetched_not_opened(self, client, german):
        client.get(path(open_pixel_url(german.token)), HTTP_USER_AGENT="Mozilla/5.0")
        stats = mailing_open_stats(mailing=german.mailing)
        assert (stats.unique_opens, stats.opens, stats.prefetched) == (0, 0, 1)
        assert timeline(german, "opened") == 0

    def test_the_proxys_own_forwarded_entry_counts_behind_a_trusted_proxy(self, client, german, settings):
        settings.TRUSTED_PROXY = True
        # The last entry is the one our proxy appended: Apple's network, a prefetch.
        client.get(path(open_pixel_url(german.token)), HTTP_USER_AGENT="Mozilla/5.0 (Macintosh)",
                   HTTP_X_FORWARDED_FOR="198.51.100.4, 17.58.101.7", REMOTE_ADDR="10.0.0.2")
        # An earlier entry is the client's to write, and does not make an open a prefetch.
        client.get(path(open_pixel_url(german.token)), HTTP_USER_AGENT="Mozilla/5.0 (Macintosh)",
                   HTTP_X_FORWARDED_FOR="17.58.101.7, 198.51.100.4", REMOTE_ADDR="17.0.0.2")
        assert [e.data["privacy_prefetch"] for e in events(german, "open")] == [True, False]


class ClickTests:
    def test_redirects_to_the_link_in_the_mail_and_records_it(self, client, german):
        response = client.get(path(click_url(german.token, 0)))
        client.get(path(click_url(german.token, 0)))
        signup = client.get(path(click_url(german.token, 1)))

        assert response.status_code == 302 and response["Location"] == PROGRAMME_DE
        assert signup["Location"] == SIGNUP_DE
        assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"
        assert [e.data for e in events(german, "click")] == [
            {"index": 0, "url": PROGRAMME_DE}, {"index": 0, "url": PROGRAMME_DE}, {"index": 1, "url": SIGNUP_DE},
        ]
        assert timeline(german, "clicked") == 2  # once per link

    def test_each_locale_numbers_its_own_links(self, client, sender):
        english = make_contacts(1, prefix="miller", language="en")[0]
        message = Message.objects.get(mailing=tracked_mailing(sender=sender, contacts=[english]))
        assert message.locale == "en"
        assert client.get(path(click_url(message.token, 0)))["Location"] == PROGRAMME_EN
        assert client.get(path(click_url(message.token, 1))).status_code == 404

    def test_head_is_no_click(self, client, german):
        assert client.head(path(click_url(german.token, 0)))["Location"] == PROGRAMME_DE
        assert events(german, "click") == []

    def test_the_request_cannot_choose_the_target(self, client, german):
        response = client.get(path(click_url(german.token, 0)) + "?url=https://evil.example/&next=https://evil.example/")
        assert response["Location"] == PROGRAMME_DE

    @pytest.mark.parametrize("mangle", [
        lambda token, index, sig: f"/o/c/{token}/{index + 1}/{sig}/",  # altered index
        lambda token, index, sig: f"/o/c/{token}/{index}/{sig[::-1]}/",  # altered signature
        lambda token, index, sig: f"/o/c/{token[::-1]}/{index}/{sig}/",  # altered token
        lambda token, index, sig: f"/o/c/{token}/{index}/{open_signature(token)}/",  # the pixel's signature
        lambda token, index, sig: f"/o/c/{token}/-1/{sig}/",
        lambda token, index, sig: f"/o/c/{token}/{index}/",
    ])
    def test_forged_or_altered_urls_are_404(self, client, german, mangle):
        assert client.get(mangle(german.token, 0, click_signature(german.token, 0))).status_code == 404
        assert events(german, "click") == []

    def test_a_link_number_beyond_the_mail_is_404_even_when_signed(self, client, german):
        # Only someone holding SECRET_KEY could sign it; even then the redirect has no URL to go to.
        assert client.get(path(click_url(german.token, 2))).status_code == 404
        assert client.get(path(click_url("a" * 24, 0))).status_code == 404

    def test_clicks_per_link_in_the_stats(self, client, sender):
        contacts = make_contacts(3, prefix="leser", language="de")
        mailing = tracked_mailing(sender=sender, contacts=contacts)
        tokens = list(Message.objects.filter(mailing=mailing).order_by("id").values_list("token", flat=True))
        for token, index in [(tokens[0], 0), (tokens[0], 0), (tokens[1], 0), (tokens[1], 1)]:
            client.get(path(click_url(token, index)))
        stats = mailing_open_stats(mailing=mailing)
        assert (stats.unique_clicks, stats.clicks) == (2, 4)
        assert [(s.locale, s.index, s.url, s.clicks, s.unique_clicks) for s in stats.links] == [
            ("de", 0, PROGRAMME_DE, 3, 2), ("de", 1, SIGNUP_DE, 1, 1),
        ]

    def test_events_per_message_are_capped(self, client, german, monkeypatch):
        monkeypatch.setattr(tracking_services, "MAX_EVENTS_PER_MESSAGE", 3)
        for _ in range(5):
            assert client.get(path(click_url(german.token, 0))).status_code == 302
            assert client.get(path(open_pixel_url(german.token))).status_code == 200
        assert (len(events(german, "click")), len(events(german, "open"))) == (3, 3)


class UnsubscribeTests:
    def test_get_shows_a_page_in_the_recipients_language_and_changes_nothing(self, client, german):
        response = client.get(path(unsubscribe_url(german.token)))
        assert response.status_code == 200 and b'<html lang="de">' in response.content
        assert "<h1>Abmelden</h1>" in response.content.decode()
        assert b'<form method="post">' in response.content
        assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"
        assert not SuppressionEntry.objects.filter(email_hash=german.contact.email_hash).exists()
        assert events(german, "unsubscribe") == [] and timeline(german, "unsubscribed") == 0

    def test_english_page_for_an_english_message(self, client, sender):
        english = make_contacts(1, prefix="miller", language="en")[0]
        message = Message.objects.get(mailing=tracked_mailing(sender=sender, contacts=[english]))
        response = client.get(path(unsubscribe_url(message.token)))
        assert b'<html lang="en">' in response.content and b"<h1>Unsubscribe</h1>" in response.content

    def test_one_click_post_without_csrf_token_unsubscribes_once(self, german):
        client = Client(enforce_csrf_checks=True)  # what a mail provider's POST meets
        url = path(unsubscribe_url(german.token))
        first = client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        again = client.post(url, data={"List-Unsubscribe": "One-Click"})  # multipart, as some providers send it

        assert first.status_code == again.status_code == 200
        entry = SuppressionEntry.objects.get(email_hash=german.contact.email_hash)
        assert entry.reason == SuppressionEntry.Reason.UNSUBSCRIBE
        assert [e.data for e in events(german, "unsubscribe")] == [{"source": "one-click"}]
        assert timeline(german, "unsubscribed") == 1
        page = client.get(url)
        assert page.status_code == 200 and b"<form" not in page.content

    def test_the_pages_button_unsubscribes(self, client, german):
        response = client.post(path(unsubscribe_url(german.token)), data={"confirm": "1"})
        assert response.status_code == 200 and b"<form" not in response.content
        assert [e.data for e in events(german, "unsubscribe")] == [{"source": "link"}]

    def test_the_contact_is_left_out_of_the_next_mailing(self, client, sender):
        contacts = make_contacts(3, prefix="verteiler")
        first = tracked_mailing(sender=sender, contacts=contacts)
        token = Message.objects.get(mailing=first, contact=contacts[1]).token
        client.post(path(unsubscribe_url(token)), data={"List-Unsubscribe": "One-Click"})

        second = tracked_mailing(sender=sender, contacts=contacts, title="Zweite Einladung")

        assert (second.recipients_count, second.suppressed_count) == (2, 1)
        assert set(Message.objects.filter(mailing=second).values_list("contact_id", flat=True)) == {
            contacts[0].pk, contacts[2].pk,
        }

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_forged_signature_or_unknown_token_is_404(self, client, german, method):
        token = german.token
        forged = getattr(client, method)(f"/o/u/{token}/{'0' * 32}/")
        other = getattr(client, method)(f"/o/u/{'a' * 24}/{unsubscribe_signature('a' * 24)}/")
        pixel_sig = getattr(client, method)(f"/o/u/{token}/{open_signature(token)}/")
        assert forged.status_code == other.status_code == pixel_sig.status_code == 404
        assert events(german, "unsubscribe") == []

    def test_a_contact_erased_meanwhile_gets_the_page_and_nothing_happens(self, client, german):
        contact_erase(contact=german.contact)
        url = path(unsubscribe_url(german.token))
        assert client.get(url).status_code == 200
        assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
        assert SuppressionEntry.objects.get(email_hash=german.contact.email_hash).reason == "erasure"
        assert events(german, "unsubscribe") == []

    def test_mailto_unsubscribe_through_the_service(self, german):
        # Inbound mail to the signed unsubscribe+ address: the token may arrive case-folded.
        result = message_unsubscribe(token=german.token.upper(), source="mailto")
        assert result.is_new and not message_unsubscribe(token=german.token, source="mailto").is_new
        assert [e.data for e in events(german, "unsubscribe")] == [{"source": "mailto"}]
        with pytest.raises(TrackingNotFound):
            message_unsubscribe(token="a" * 24)

    def test_a_changed_address_is_suppressed_too(self, german):
        german.contact.email = "anna.schmidt@neu.example.org"
        german.contact.save()
        message_unsubscribe(token=german.token)
        german.contact.refresh_from_db()
        assert german.email != german.contact.email
        hashes = {german.contact.email_hash, email_hash(german.email)}
        assert SuppressionEntry.objects.filter(email_hash__in=hashes, reason="unsubscribe").count() == 2


def test_unsubscribe_links_survive_a_key_rotation(settings):
    from outreach.delivery.headers import unsubscribe_signature, unsubscribe_signature_valid

    old_signature = unsubscribe_signature("abc234", secret=settings.SECRET_KEY)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789abcdef"
    assert unsubscribe_signature_valid("abc234", old_signature)
    assert not unsubscribe_signature_valid("abc235", old_signature)


def test_a_real_open_ends_a_run_of_soft_bounces_but_a_privacy_prefetch_does_not(client, german):
    Contact.objects.filter(pk=german.contact_id).update(bounce_state="soft", soft_bounce_count=2)
    client.get(path(open_pixel_url(german.token)), HTTP_USER_AGENT="Mozilla/5.0", REMOTE_ADDR="17.58.1.1")
    german.contact.refresh_from_db()
    assert (german.contact.bounce_state, german.contact.soft_bounce_count) == ("soft", 2)

    client.get(path(open_pixel_url(german.token)), HTTP_USER_AGENT="Mozilla/5.0 (Macintosh) Thunderbird/128.0")
    german.contact.refresh_from_db()
    assert (german.contact.bounce_state, german.contact.soft_bounce_count) == ("ok", 0)
