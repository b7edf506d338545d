"""Sign-up, confirmation, preferences and the scoped unsubscribe through the real views, a real Celery worker
and the real SMTP sink: the flow a subscriber goes through, end to end.

Transactional (the worker sees only committed rows); the flush afterwards removes the demo content,
which serialized_rollback restores for later tests.
"""

import re
import time

import pytest

from newsletters.models import Subscription, SubscriptionEvent
from outreach.mailable import reference_for
from outreach.models import ActivityEvent, Contact, Mailing, MailingContent, Message, MessageEvent, SuppressionEntry
from outreach.services.mailings import mailing_send
from tests.newsletters.conftest import signup_payload
from tests.outreach.sending_fixtures import mail_settings, smtp_settings, smtp_sink  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.usefixtures("smtp_settings")]
Kind = SubscriptionEvent.Kind


def wait_until(condition, *, timeout: float = 30.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s: {what}")


def mails_to(sink, address):
    return [received.message for received in sink.received if address in received.rcpt_tos]


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture(scope="module")
def worker(celery_worker_thread):
    return celery_worker_thread


def test_fallback_form_to_confirmed_to_preferences(worker, client, smtp_sink, newsletter, consent_ids):
    address = "anna.neu@example.org"
    form = client.get(f"/newsletter/{newsletter.slug}/?lang=de")
    assert form.status_code == 200 and "Zukunft der Industrie" in form.content.decode()
    assert "<script" not in form.content.decode()
    topic = newsletter.topics.order_by("pk").first()
    response = client.post(f"/newsletter/{newsletter.slug}/", {
        "lang": "de", "email": address, "name": "Anna Neu", "language": "de", "topics": [topic.pk],
        **consent_ids("de"), "website": "",
    }, REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT="Firefox/140")
    assert response.status_code == 200, response.content.decode()[:2000]

    wait_until(lambda: mails_to(smtp_sink, address), what="confirmation mail")
    [confirmation] = mails_to(smtp_sink, address)
    body = plain(confirmation)
    assert "Bitte bestätigen" in confirmation["Subject"]
    assert "List-Unsubscribe" not in confirmation  # a request, not a mailing
    link = re.search(r"https?://\S+/newsletter/confirm/\S+", body).group(0)
    subscription = Subscription.objects.get(newsletter=newsletter, email=address)
    assert subscription.state == "pending" and subscription.contact is None
    wait_until(lambda: subscription.events.filter(kind=Kind.CONFIRMATION_SENT).exists(), what="sent in the proof")

    # GET only asks (mail scanners follow links); POST confirms.
    assert client.get(path_of(link)).status_code == 200
    assert Subscription.objects.get(pk=subscription.pk).state == "pending"
    confirmed = client.post(path_of(link), {"lang": "de"}, REMOTE_ADDR="198.51.100.21", HTTP_USER_AGENT="Safari/18")
    assert confirmed.status_code == 200 and "bestätigt" in confirmed.content.decode()
    again = client.post(path_of(link), {"lang": "de"})
    assert again.status_code == 200 and "bereits" in again.content.decode()  # idempotent

    subscription.refresh_from_db()
    contact = Contact.objects.get(email=address)
    assert (subscription.state, subscription.contact_id) == ("confirmed", contact.pk)
    assert contact.legal_basis == Contact.LegalBasis.CONSENT
    kinds = list(subscription.events.values_list("kind", flat=True))
    assert kinds[:3] == [Kind.SIGNED_UP, Kind.CONFIRMATION_SENT, Kind.CONFIRMED]
    confirmation_event = subscription.events.get(kind=Kind.CONFIRMED)
    assert (confirmation_event.ip_address, confirmation_event.user_agent) == ("198.51.100.21", "Safari/18")
    assert ActivityEvent.objects.filter(contact=contact, kind=ActivityEvent.Kind.SUBSCRIBED).count() == 1

    wait_until(lambda: len(mails_to(smtp_sink, address)) == 2, what="welcome mail")
    welcome = mails_to(smtp_sink, address)[1]
    assert "Willkommen" in welcome["Subject"]
    preferences_link = re.search(r"https?://\S+/newsletter/preferences/\S+", plain(welcome)).group(0)

    page = client.get(path_of(preferences_link))
    assert page.status_code == 200 and address in page.content.decode()
    other_topic = newsletter.topics.order_by("pk").last()
    saved = client.post(path_of(preferences_link), {"action": "save", "lang": "de", "language": "en",
                                                    "topics": [other_topic.pk]})
    assert saved.status_code == 200
    subscription.refresh_from_db()
    assert subscription.language == "en" and list(subscription.topics.values_list("pk", flat=True)) == [other_topic.pk]
    change = subscription.events.get(kind=Kind.PREFERENCES_CHANGED)
    assert change.data["before"]["language"] == "de" and change.data["after"]["topics"] == [other_topic.pk]


def test_one_click_unsubscribe_of_a_newsletter_mailing_ends_only_that_newsletter(worker, client, smtp_sink,
                                                                                  demo_newsletters):
    newsletter = demo_newsletters["zukunft-der-industrie"]
    regional = demo_newsletters["industriedialog-baden-wuerttemberg"]
    address = "lena.hoffmann@example.org"  # a demo subscriber of both
    mailing = Mailing.objects.create(title="Zukunft der Industrie, Juni", sender=newsletter.sender,
                                     audience_providers=[reference_for("newsletters.newsletter", newsletter.pk)],
                                     unsubscribe_scope=newsletter.reference)
    for locale in ("de", "en"):
        MailingContent.objects.create(mailing=mailing, locale=locale, subject=f"Ausgabe {locale}",
                                      body_html="<p>{{ salutation }}</p><p>Neues aus den Initiativen.</p>")
    mailing_send(mailing=mailing)
    wait_until(lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT, what="mailing sent")
    recipients = set(Message.objects.filter(mailing=mailing).values_list("email", flat=True))
    assert recipients == set(Subscription.objects.filter(newsletter=newsletter, state="confirmed")
                             .values_list("email", flat=True))
    [mail] = mails_to(smtp_sink, address)
    one_click = re.search(r"<(https?://[^>]+/o/u/[^>]+)>", mail["List-Unsubscribe"]).group(1)

    response = client.post(path_of(one_click), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscription.objects.get(newsletter=newsletter, email=address).state == "unsubscribed"
    assert Subscription.objects.get(newsletter=regional, email=address).state == "confirmed"  # untouched
    contact = Contact.objects.get(email=address)
    assert not SuppressionEntry.objects.filter(email_hash=contact.email_hash).exists()  # not global
    message = Message.objects.get(mailing=mailing, email=address)
    event = MessageEvent.objects.get(message=message, kind=MessageEvent.Kind.UNSUBSCRIBE)
    assert event.data == {"source": "one-click", "scope": newsletter.reference}  # in the mailing's report
    assert ActivityEvent.objects.filter(contact=contact, kind=ActivityEvent.Kind.UNSUBSCRIBED,
                                        data__scope=newsletter.reference).count() == 1
    proof = Subscription.objects.get(newsletter=newsletter, email=address).events.get(kind=Kind.UNSUBSCRIBED)
    assert proof.data["source"] == "one-click" and proof.data["about"] == mailing.activity_subject

    # The footer page offers "from everything" as well: that one is global.
    page = client.get(path_of(one_click))
    assert "Zukunft der Industrie" in page.content.decode()
    client.post(path_of(one_click), {"scope": "all"})
    assert SuppressionEntry.objects.filter(email_hash=contact.email_hash).exists()
