"""What inbound_process does to messages, contacts, the suppression list and the timeline; and only once."""

import pytest

from outreach.models import (
    ActivityEvent,
    Contact,
    FollowUp,
    InboundMessage,
    Message,
    MessageEvent,
    SuppressionEntry,
    email_hash,
)
from outreach.services.inbound import contact_delivery_succeeded, inbound_process
from tests.outreach.factories import FollowUpFactory
from tests.outreach.inbound_fixtures import inbound_storage, sample, sent_messages  # noqa: F401
from tests.outreach.sending_fixtures import mail_settings, make_mailing, sender  # noqa: F401

pytestmark = pytest.mark.django_db


def suppression(address: str) -> SuppressionEntry | None:
    return SuppressionEntry.objects.filter(email_hash=email_hash(address)).first()


def timeline(contact) -> list[str]:
    return list(contact.activity.values_list("kind", flat=True))


def test_hard_bounce(sent_messages):
    message = sent_messages["postfix_hard.eml"]

    result = inbound_process(sample("postfix_hard.eml"), source="pipe")

    message.refresh_from_db()
    contact = Contact.objects.get(pk=message.contact_id)
    assert message.status == Message.Status.BOUNCED
    assert "User unknown" in message.last_error
    event = message.events.get(kind=MessageEvent.Kind.BOUNCE)
    assert event.data["hard"] is True and event.data["status"] == "5.1.1"
    assert (contact.bounce_state, contact.is_stale) == (Contact.BounceState.HARD, True)
    assert suppression(message.email).reason == SuppressionEntry.Reason.HARD_BOUNCE
    assert ActivityEvent.Kind.BOUNCED in timeline(contact)
    assert contact.activity.get(kind=ActivityEvent.Kind.BOUNCED).subject == message.mailing.activity_subject
    inbound = InboundMessage.objects.get(pk=result["inbound_message_id"])
    assert (inbound.kind, inbound.message, inbound.contact, inbound.mailing) == (
        "bounce", message, contact, message.mailing)
    assert not inbound.raw  # bounces are not kept: see InboundMessage.raw
    assert inbound.recipients[0]["status"] == "5.1.1"


def test_same_mail_twice_acts_once(sent_messages):
    message = sent_messages["postfix_hard.eml"]
    inbound_process(sample("postfix_hard.eml"), source="pipe")

    again = inbound_process(sample("postfix_hard.eml"), source="imap")

    assert again["duplicate"] is True and again["effects"] == []
    assert InboundMessage.objects.count() == 1
    assert message.events.filter(kind=MessageEvent.Kind.BOUNCE).count() == 1
    assert Contact.objects.get(pk=message.contact_id).activity.filter(kind=ActivityEvent.Kind.BOUNCED).count() == 1


def test_soft_bounce_counts_and_does_not_suppress(sent_messages):
    message = sent_messages["postfix_soft_mailbox_full.eml"]

    inbound_process(sample("postfix_soft_mailbox_full.eml"), source="pipe")

    contact = Contact.objects.get(pk=message.contact_id)
    assert (contact.bounce_state, contact.soft_bounce_count, contact.is_stale) == (Contact.BounceState.SOFT, 1, False)
    assert suppression(contact.email) is None
    assert message.events.get(kind=MessageEvent.Kind.BOUNCE).data["hard"] is False


def _soft_bounce_for_a_new_mailing(sender, contact, number: int) -> dict:
    mailing = make_mailing(sender=sender, contacts=[contact], list_name=f"Soft {number}")
    message = Message.objects.create(mailing=mailing, contact=contact, email=contact.email, locale="de",
                                     status=Message.Status.ACCEPTED)
    raw = sample("postfix_soft_mailbox_full.eml").replace(b"postfixsoftaaaaaaaaaaaaa", message.token.encode())
    raw = raw.replace(b"Message-Id: <20250119090215.7C1D22A0456@", f"Message-Id: <soft-{number}@".encode())
    return inbound_process(raw, source="pipe")


def test_soft_bounces_in_a_row_suppress_at_the_limit(sent_messages, sender, settings):
    settings.MAIL_SOFT_BOUNCE_LIMIT = 3
    contact = sent_messages["postfix_soft_mailbox_full.eml"].contact

    for number in (1, 2):
        _soft_bounce_for_a_new_mailing(sender, contact, number)
    assert suppression(contact.email) is None
    result = _soft_bounce_for_a_new_mailing(sender, contact, 3)

    contact.refresh_from_db()
    assert contact.soft_bounce_count == 3
    assert "suppressed: soft bounces" in result["effects"]
    entry = suppression(contact.email)
    assert entry.reason == SuppressionEntry.Reason.HARD_BOUNCE and "Soft bounces: 3" in entry.note


def test_a_confirmed_delivery_resets_the_soft_bounce_count(sent_messages, sender):
    contact = sent_messages["postfix_soft_mailbox_full.eml"].contact
    _soft_bounce_for_a_new_mailing(sender, contact, 1)
    _soft_bounce_for_a_new_mailing(sender, contact, 2)

    contact_delivery_succeeded(contact=contact)
    _soft_bounce_for_a_new_mailing(sender, contact, 3)

    contact.refresh_from_db()
    assert (contact.soft_bounce_count, contact.bounce_state) == (1, Contact.BounceState.SOFT)
    assert suppression(contact.email) is None


def test_two_reports_about_one_message_count_one_soft_bounce(sent_messages):
    raw = sample("postfix_soft_mailbox_full.eml")
    inbound_process(raw, source="pipe")
    inbound_process(raw.replace(b"Message-Id: <20250119090215", b"Message-Id: <20250120090215"), source="pipe")

    assert Contact.objects.get(email="voll@postfach.example").soft_bounce_count == 1
    assert InboundMessage.objects.count() == 2


def test_complaint(sent_messages):
    message = sent_messages["arf_complaint.eml"]

    inbound_process(sample("arf_complaint.eml"), source="pipe")

    contact = Contact.objects.get(pk=message.contact_id)
    assert suppression(message.email).reason == SuppressionEntry.Reason.COMPLAINT
    assert contact.is_stale is True
    assert ActivityEvent.Kind.COMPLAINED in timeline(contact)
    assert message.events.filter(kind=MessageEvent.Kind.COMPLAINT).count() == 1


def test_reply_closes_the_follow_ups_of_its_mailing_only(sent_messages):
    message = sent_messages["reply_german.eml"]
    contact = message.contact
    about_this = FollowUpFactory(contact=contact, subject=message.mailing.activity_subject)
    about_other = FollowUpFactory(contact=contact, subject="outreach.mailing:999999")

    result = inbound_process(sample("reply_german.eml"), source="pipe")

    about_this.refresh_from_db()
    about_other.refresh_from_db()
    assert (about_this.status, about_other.status) == (FollowUp.Status.DONE, FollowUp.Status.OPEN)
    assert message.events.filter(kind=MessageEvent.Kind.REPLY).count() == 1
    replied = contact.activity.get(kind=ActivityEvent.Kind.REPLIED)
    assert replied.subject == message.mailing.activity_subject
    assert replied.summary.startswith("Sehr geehrte Damen und Herren")
    inbound = InboundMessage.objects.get(pk=result["inbound_message_id"])
    assert inbound.kind == "reply" and inbound.contact == contact and not inbound.is_auto_reply
    assert "Pressemappe" in inbound.text and "> " not in inbound.text
    assert inbound.from_address == "k.mueller@tageszeitung.example"
    with inbound.raw.open("rb") as stored:
        assert stored.read() == sample("reply_german.eml")
    assert inbound.raw.name.endswith(".eml")


def test_out_of_office_is_stored_flagged_and_closes_nothing(sent_messages):
    message = sent_messages["ooo_german.eml"]
    follow_up = FollowUpFactory(contact=message.contact, subject=message.mailing.activity_subject)

    result = inbound_process(sample("ooo_german.eml"), source="pipe")

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.OPEN
    inbound = InboundMessage.objects.get(pk=result["inbound_message_id"])
    assert inbound.kind == "auto_reply" and inbound.is_auto_reply
    assert "24.01.2025" in inbound.text and inbound.raw
    assert not message.events.filter(kind=MessageEvent.Kind.REPLY).exists()
    assert ActivityEvent.Kind.REPLIED not in timeline(message.contact)


def test_unsubscribe_mail(sent_messages):
    message = sent_messages["unsubscribe.eml"]

    result = inbound_process(sample("unsubscribe.eml"), source="pipe")

    assert result["effects"] == ["unsubscribed"]
    assert suppression(message.email).reason == SuppressionEntry.Reason.UNSUBSCRIBE


def test_unknown_mail_is_stored_and_changes_nothing_else(sent_messages):
    result = inbound_process(sample("unknown.eml"), source="pipe")

    inbound = InboundMessage.objects.get(pk=result["inbound_message_id"])
    assert inbound.kind == "unknown" and inbound.message is None and inbound.raw
    assert not MessageEvent.objects.exists() and not SuppressionEntry.objects.exists()


def test_bounce_for_a_contact_who_changed_address_suppresses_the_old_address_only(sent_messages):
    message = sent_messages["postfix_hard.eml"]
    Contact.objects.filter(pk=message.contact_id).update(email="neu@example-zeitung.de")

    inbound_process(sample("postfix_hard.eml"), source="pipe")

    contact = Contact.objects.get(pk=message.contact_id)
    assert suppression("redaktion.alt@example-zeitung.de") is not None
    assert contact.bounce_state == Contact.BounceState.OK and not contact.is_stale


def test_delayed_report_changes_nothing_yet(sent_messages):
    message = sent_messages["postfix_soft_mailbox_full.eml"]
    raw = sample("postfix_soft_mailbox_full.eml").replace(b"Action: failed", b"Action: delayed")

    result = inbound_process(raw, source="pipe")

    assert result["kind"] == "bounce" and result["recipients"][0]["action"] == "delayed"
    assert result["effects"] == []
    message.refresh_from_db()
    assert message.status == Message.Status.ACCEPTED
    assert Contact.objects.get(pk=message.contact_id).soft_bounce_count == 0
