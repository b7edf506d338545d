import pytest
from django.core.exceptions import ValidationError

from outreach.models import ActivityEvent, Contact, SuppressionEntry, email_hash
from outreach.services.contacts import (
    contact_create,
    contact_erase,
    contact_object,
    contact_record_art14_notice,
    contact_update,
)
from tests.outreach.factories import ContactFactory

pytestmark = pytest.mark.django_db


class ContactCreateTests:
    def test_address_is_stored_lower_case_and_unique_case_insensitively(self):
        contact = contact_create(email="  Anna.Schmidt@Example.ORG ", first_name="Anna")
        assert contact.email == "anna.schmidt@example.org"
        assert contact.email_hash == email_hash("anna.schmidt@example.org")
        with pytest.raises(ValidationError, match="exists already"):
            contact_create(email="ANNA.SCHMIDT@example.org")

    def test_invalid_address_gets_a_reason(self):
        with pytest.raises(ValidationError, match="Invalid e-mail address"):
            contact_create(email="anna.example.org")

    def test_creation_is_on_the_timeline(self):
        contact = contact_create(email="tl@example.org", source="Visitenkarte Messe 2026")
        event = contact.activity.get()
        assert event.kind == ActivityEvent.Kind.CREATED
        assert event.summary == "Visitenkarte Messe 2026"


def test_update_records_only_real_changes():
    contact = ContactFactory(first_name="Jan")
    contact_update(contact=contact, first_name="Jan")
    assert not contact.activity.filter(kind=ActivityEvent.Kind.EDITED).exists()
    contact_update(contact=contact, first_name="Johannes", position="Redakteur")
    event = contact.activity.get(kind=ActivityEvent.Kind.EDITED)
    assert sorted(event.data["fields"]) == ["first_name", "position"]


def test_objection_suppresses_globally_and_blocks_recreation():
    contact = ContactFactory(email="objector@example.org")
    contact_object(contact=contact, note="per Telefon")
    contact_object(contact=contact)
    assert SuppressionEntry.objects.filter(email_hash=email_hash("objector@example.org")).count() == 1
    contact.delete()
    with pytest.raises(ValidationError, match="suppression list"):
        contact_create(email="Objector@Example.org")


def test_erasure_keeps_only_the_hash():
    contact = ContactFactory(email="forget.me@example.org", first_name="Vergiss", last_name="Mich")
    contact_object(contact=contact)
    kept = contact_erase(contact=contact)
    assert not Contact.objects.filter(email="forget.me@example.org").exists()
    assert not ActivityEvent.objects.filter(contact_id=contact.pk).exists()
    entry = SuppressionEntry.objects.get(email_hash=kept)
    assert entry.reason == SuppressionEntry.Reason.ERASURE
    assert "forget" not in entry.note and "forget" not in entry.email_hash


def test_art14_notice_is_recorded_once():
    contact = ContactFactory()
    contact_record_art14_notice(contact=contact)
    first = contact.art14_notice_sent_at
    contact_record_art14_notice(contact=contact)
    contact.refresh_from_db()
    assert contact.art14_notice_sent_at == first
    assert contact.activity.filter(kind=ActivityEvent.Kind.NOTICE_SENT).count() == 1


@pytest.mark.parametrize("address, german, english", [
    ("anna.example.org", "es fehlt das @-Zeichen", "it has no @ sign"),
    ("anna@example", "die Domain nach dem @ ist unvollständig", "the domain after the @ is incomplete"),
    ("anna schmidt@example.org", "sie enthält Leerzeichen", "it contains spaces"),
    ("@example.org", "vor dem @ steht nichts", "there is nothing before the @"),
])
def test_a_bad_address_gets_a_reason_in_german_and_english(address, german, english):
    from django.utils import translation

    from outreach.services.contacts import normalise_email

    for language, reason in (("de", german), ("en", english)):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            normalise_email(address)
        with translation.override(language):
            assert reason in refused.value.messages[0]


def test_erasure_removes_replies_and_the_address_on_past_messages(settings, tmp_path):
    from django.core.files.base import ContentFile

    from outreach.models import InboundMessage, Mailing, Message, SenderIdentity

    contact = ContactFactory(email="replied@example.org")
    sender = SenderIdentity.objects.create(label="Presse", from_name="Presse", from_email="presse@example.org")
    mailing = Mailing.objects.create(title="Einladung", sender=sender)
    message = Message.objects.create(mailing=mailing, contact=contact, email=contact.email, locale="de",
                                     token="erasetoken1")
    reply = InboundMessage(kind="reply", source="pipe", dedupe_key="<reply-1@example.org>", message=message,
                           contact=contact, from_address=contact.email, text="Ich komme gern.")
    reply.raw.save("reply.eml", ContentFile(b"From: replied@example.org\r\n\r\nIch komme gern."), save=False)
    reply.save()
    raw_name = reply.raw.name

    contact_erase(contact=contact)

    assert not InboundMessage.objects.filter(pk=reply.pk).exists()
    assert not reply.raw.storage.exists(raw_name)
    message.refresh_from_db()
    assert (message.contact_id, message.email) == (None, "")
    assert Message.objects.filter(mailing=mailing).count() == 1
