"""Existing subscribers through the contacts import (issue #11 §6): attached to a newsletter with the proof
they came with, or as needing re-confirmation; the re-permission mailing from the newsletter admin; and
that nobody unconfirmed is ever in a newsletter's audience.

Through the real import and newsletter admin views, a real Celery worker and the real SMTP sink.
Transactional (the worker sees only committed rows), like test_signup_worker.
"""

import datetime
import re

import pytest
from django.urls import reverse

from newsletters.models import Subscription, SubscriptionEvent
from newsletters.selectors import newsletter_confirmed_contact_ids
from outreach.mailable import ImportedConsent, import_target_choices, reference_for
from outreach.models import ActivityEvent, Contact, ContactImport, Mailing, MailingContent, Message
from outreach.services.mailings import mailing_send
from tests.newsletters.test_signup_worker import mails_to, path_of, plain, wait_until
from tests.outreach.importfiles import csv_bytes, upload
from tests.outreach.sending_fixtures import mail_settings, smtp_settings, smtp_sink  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.usefixtures("smtp_settings")]
Kind = SubscriptionEvent.Kind
State = Subscription.State


@pytest.fixture(scope="module")
def worker(celery_worker_thread):
    return celery_worker_thread


def subscriber_file(name: str, addresses: list[str]):
    rows = [["E-Mail", "Vorname", "Nachname", "Sprache"]]
    rows += [[address, "Vera", f"Leserin{n}", "Englisch" if n % 3 == 2 else "Deutsch"]
             for n, address in enumerate(addresses)]
    return upload(name, csv_bytes(rows, delimiter=";"))


def import_through_the_admin(client, *, file, newsletter, **gdpr) -> ContactImport:
    """Upload, preview, start: the officer's three steps; the worker runs the import."""
    response = client.post(reverse("contact_imports:add"), {
        "file": file, "data_origin": "person", "source": "Alte Abonnentenliste", "create_organisations": "on",
        "import_target": newsletter.reference, **gdpr,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    contact_import = ContactImport.objects.latest("pk")
    preview = client.get(response["Location"]).content.decode()
    assert "Zukunft der Industrie" in preview and "data-import-target" in preview
    mapping = {f"column_{i}": contact_import.column_mapping[header] for i, header in enumerate(contact_import.headers)}
    response = client.post(reverse("contact_imports:preview", args=[contact_import.pk]), {**mapping, "action": "start"})
    assert response.status_code == 302
    wait_until(lambda: ContactImport.objects.get(pk=contact_import.pk).status == ContactImport.Status.DONE,
               what="import done")
    return ContactImport.objects.get(pk=contact_import.pk)


def test_imported_subscribers_with_proof_are_confirmed_and_without_are_asked_again(worker, admin_client, smtp_sink,
                                                                                   newsletter):
    with_proof = [f"belegt{n}@example.org" for n in range(3)]
    without_proof = [f"ohne.beleg{n}@example.org" for n in range(3)]
    assert newsletter.reference in dict(import_target_choices())

    # 1. A list with the consent proof it came with: confirmed subscribers, the proof first in their log.
    first = import_through_the_admin(admin_client, file=subscriber_file("belegt.csv", with_proof),
                                     newsletter=newsletter, legal_basis="consent",
                                     consent_source="Anmeldeformular Messe 2024", consent_given_on="2024-03-14",
                                     consent_reference="Ordner Newsletter/2024")
    assert first.import_target == newsletter.reference and first.created_count == 3
    confirmed = Subscription.objects.filter(newsletter=newsletter, email__in=with_proof)
    assert sorted(confirmed.values_list("state", flat=True)) == [State.CONFIRMED] * 3
    subscription = confirmed.get(email=with_proof[2])
    assert subscription.language == "en" and subscription.confirmed_at.date() == datetime.date(2024, 3, 14)
    [proof] = subscription.events.all()
    assert proof.kind == Kind.IMPORTED
    assert proof.data["consent_source"] == "Anmeldeformular Messe 2024"
    assert proof.data["consent_given_on"] == "2024-03-14" and proof.data["import"] == f"outreach.contactimport:{first.pk}"
    assert ActivityEvent.objects.filter(contact=subscription.contact, kind=ActivityEvent.Kind.SUBSCRIBED,
                                        subject=newsletter.reference).count() == 1

    # 2. A list without proof: subscriptions that need re-confirmation, and no newsletter for them.
    import_through_the_admin(admin_client, file=subscriber_file("ohne.csv", without_proof + [with_proof[0]]),
                             newsletter=newsletter, legal_basis="legitimate-interest",
                             legal_basis_note="Bestandskunden")
    waiting = Subscription.objects.filter(newsletter=newsletter, email__in=without_proof)
    assert sorted(waiting.values_list("state", flat=True)) == [State.NEEDS_RECONFIRMATION] * 3
    assert Subscription.objects.get(newsletter=newsletter, email=with_proof[0]).state == State.CONFIRMED  # kept
    assert waiting.first().events.get().kind == Kind.IMPORTED_UNCONFIRMED
    audience = set(newsletter_confirmed_contact_ids(newsletter.pk))
    waiting_ids = set(waiting.values_list("contact_id", flat=True))
    assert set(confirmed.values_list("contact_id", flat=True)) <= audience and not waiting_ids & audience

    # 3. "Bestätigung erneut anfragen" in the newsletter admin: one request each, the sign-up's link.
    page = admin_client.get(reverse("newsletters_newsletters:reconfirm", args=[newsletter.pk]))
    assert page.status_code == 200 and 'data-reconfirm-waiting="3"' in page.content.decode()
    listing = admin_client.get(reverse("newsletters_newsletters:index")).content.decode()
    assert reverse("newsletters_newsletters:reconfirm", args=[newsletter.pk]) in listing
    response = admin_client.post(reverse("newsletters_newsletters:reconfirm", args=[newsletter.pk]))
    assert response.status_code == 302
    for address in without_proof:
        wait_until(lambda address=address: mails_to(smtp_sink, address), what=f"request to {address}")
    assert not any(mails_to(smtp_sink, address) for address in with_proof)
    [request] = mails_to(smtp_sink, without_proof[0])
    assert "List-Unsubscribe" not in request  # a request, not a mailing
    link = re.search(r"https?://\S+/newsletter/confirm/\S+", plain(request)).group(0)
    asked = waiting.get(email=without_proof[0])
    wait_until(lambda: asked.events.filter(kind=Kind.CONFIRMATION_SENT).exists(), what="sent, in the proof log")

    # 4. One confirms (GET only asks; POST confirms, once); the others do not.
    assert admin_client.get(path_of(link)).status_code == 200
    assert Subscription.objects.get(pk=asked.pk).state == State.NEEDS_RECONFIRMATION
    response = admin_client.post(path_of(link), {"lang": "de"}, REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Thunderbird")
    assert response.status_code == 200
    asked.refresh_from_db()
    assert asked.state == State.CONFIRMED and asked.confirmation_nonce == ""
    kinds = list(asked.events.values_list("kind", flat=True))
    assert kinds[:4] == [Kind.IMPORTED_UNCONFIRMED, Kind.RECONFIRMATION_REQUESTED, Kind.CONFIRMATION_SENT,
                         Kind.CONFIRMED]
    confirmation = asked.events.get(kind=Kind.CONFIRMED)
    assert (confirmation.ip_address, confirmation.user_agent) == ("198.51.100.7", "Thunderbird")
    assert admin_client.post(path_of(link), {"lang": "de"}).status_code == 200  # again: already confirmed
    assert asked.events.filter(kind=Kind.CONFIRMED).count() == 1

    # 5. The newsletter goes to the confirmed, never to those who did not confirm.
    mailing = Mailing.objects.create(title="Zukunft der Industrie, Juli", sender=newsletter.sender,
                                     audience_providers=[reference_for("newsletters.newsletter", newsletter.pk)],
                                     unsubscribe_scope=newsletter.reference)
    for locale in ("de", "en"):
        MailingContent.objects.create(mailing=mailing, locale=locale, subject=f"Juli {locale}",
                                      body_html="<p>Neues aus den Initiativen.</p>")
    mailing_send(mailing=mailing)
    wait_until(lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT, what="mailing sent")
    recipients = set(Message.objects.filter(mailing=mailing).values_list("email", flat=True))
    assert set(with_proof) | {without_proof[0]} <= recipients
    assert not recipients & set(without_proof[1:])
    for address in without_proof[1:]:
        assert len(mails_to(smtp_sink, address)) == 1  # the request, nothing else


def test_attaching_twice_adds_nothing_and_an_unsubscribed_person_is_not_brought_back(newsletter):
    from newsletters.services.imports import subscriptions_attach_imported

    left = Subscription.objects.filter(newsletter=newsletter, state=State.CONFIRMED, contact__isnull=False).first()
    left.state = State.UNSUBSCRIBED
    left.save(update_fields=["state"])
    new = Contact.objects.create(email="nachzuegler@example.org", language="de")
    consent = ImportedConsent(import_reference="outreach.contactimport:999", filename="x.csv", legal_basis="consent",
                              consent_source="Formular", consent_given_on=datetime.date(2023, 5, 2),
                              consent_reference="Akte 7")
    first = subscriptions_attach_imported(newsletter.pk, contact_ids=[left.contact_id, new.pk], consent=consent)
    again = subscriptions_attach_imported(newsletter.pk, contact_ids=[left.contact_id, new.pk], consent=consent)
    assert (first["confirmed"], first["left_alone"]) == (1, 1)
    assert (again["confirmed"], again["left_alone"]) == (0, 2)
    assert Subscription.objects.get(pk=left.pk).state == State.UNSUBSCRIBED
    assert Subscription.objects.get(newsletter=newsletter, contact=new).events.count() == 1
