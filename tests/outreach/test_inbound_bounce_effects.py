"""Bounce reasons in effect: what is counted, matching without a VERP token, SES cases, and bad input."""

import logging

import pytest
from django.utils import timezone

from outreach.delivery.headers import mail_domain
from outreach.models import BounceReason, Contact, InboundMessage, Message, MessageEvent, SuppressionEntry, email_hash
from outreach.selectors_mailings import mailing_report
from outreach.services.inbound import inbound_process
from outreach.sns.notifications import ses_notification_process
from tests.outreach.factories import ContactFactory
from tests.outreach.inbound_fixtures import inbound_storage  # noqa: F401
from tests.outreach.sending_fixtures import mail_settings, make_mailing, sender  # noqa: F401
from tests.outreach.test_inbound_reasons import DAEMON, mail

pytestmark = pytest.mark.django_db

ADDRESS = "k.mueller@lokalblatt.example"


@pytest.fixture
def sent(mail_settings, sender, inbound_storage):
    """An accepted message to ADDRESS, sent an hour ago, with Message-ID <token@MAIL_DOMAIN>."""
    contact = ContactFactory(email=ADDRESS)
    mailing = make_mailing(sender=sender, contacts=[contact])
    message = Message.objects.create(mailing=mailing, contact=contact, email=ADDRESS, locale="de",
                                     status=Message.Status.ACCEPTED, sent_at=timezone.now(),
                                     provider_message_id="0100018c-ses-id")
    return message


def suppressed(address: str) -> bool:
    return SuppressionEntry.objects.filter(email_hash=email_hash(address)).exists()


def dsn(recipient: str, status: str, diagnostic: str, *, message_id: str = "<x@elsewhere.example>",
        mail_id: str = "<dsn-1@mx.example.net>") -> bytes:
    """A Postfix DSN sent to our sender address (no VERP token), the original's headers attached."""
    return mail(DAEMON + f"Message-ID: {mail_id}\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
                'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n',
                f"--B\nContent-Type: text/plain\n\n<{recipient}>: host mx.example.org said: {diagnostic}\n\n"
                "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
                f"Final-Recipient: rfc822; {recipient}\nAction: failed\nStatus: {status}\n"
                f"Diagnostic-Code: smtp; {diagnostic}\n\n--B\nContent-Type: text/rfc822-headers\n\n"
                f"From: presse@dialogdesk.test\nTo: {recipient}\nMessage-ID: {message_id}\nSubject: Einladung\n\n--B--\n")


def test_spam_refusal_is_recorded_with_its_reason_and_never_counted(sent, settings):
    settings.MAIL_SOFT_BOUNCE_LIMIT = 1
    result = inbound_process(dsn(ADDRESS, "5.7.1", "554 5.7.1 Message rejected as spam by Content Filtering"),
                             source="test")

    assert result["matched_by"] == "failed recipient and the latest message to it"
    sent.refresh_from_db()
    contact = Contact.objects.get(pk=sent.contact_id)
    assert (sent.status, sent.bounce_reason) == (Message.Status.BOUNCED, BounceReason.SPAM_DETECTED)
    assert (contact.bounce_state, contact.soft_bounce_count) == (Contact.BounceState.OK, 0)
    assert not suppressed(ADDRESS)  # even with a limit of one soft bounce
    event = sent.events.get(kind=MessageEvent.Kind.BOUNCE)
    assert (event.data["bounce_type"], event.data["reason"], event.data["sender_reputation"]) == (
        "soft", "spam_detected", True)
    report = mailing_report(mailing=sent.mailing)
    assert (report.bounced, report.bounced_hard, report.bounced_soft, report.bounced_reputation) == (1, 0, 1, 1)


def test_policy_5xx_is_soft_and_counts_only_toward_the_limit(sent, settings):
    settings.MAIL_SOFT_BOUNCE_LIMIT = 1
    inbound_process(dsn(ADDRESS, "5.2.2", "552 5.2.2 Mailbox full"), source="test")

    sent.refresh_from_db()
    assert sent.bounce_reason == BounceReason.MAILBOX_FULL
    assert Contact.objects.get(pk=sent.contact_id).soft_bounce_count == 1
    assert suppressed(ADDRESS)  # MAIL_SOFT_BOUNCE_LIMIT reached
    assert mailing_report(mailing=sent.mailing).bounced_soft == 1


def test_user_unknown_matched_by_the_originals_message_id_is_hard(sent):
    result = inbound_process(dsn(ADDRESS, "5.1.1", "550 5.1.1 User unknown", message_id=f"<{sent.token}@{mail_domain()}>"),
                             source="test", dry_run=True)
    assert result["matched_by"] == "Message-ID of the attached original"
    assert result["summary"][1].startswith(f"{ADDRESS}: hard, user_unknown (from diagnostic text")

    inbound_process(dsn(ADDRESS, "5.1.1", "550 5.1.1 User unknown", message_id=f"<{sent.token}@{mail_domain()}>"),
                    source="test")
    assert suppressed(ADDRESS)
    assert Message.objects.get(pk=sent.pk).bounce_reason == BounceReason.USER_UNKNOWN


def test_forged_bounce_and_unknown_address_change_nothing_and_are_logged(sent, caplog):
    caplog.set_level(logging.WARNING)
    forged = inbound_process(dsn("nobody@example.org", "5.1.1", "550 5.1.1 User unknown",
                                 message_id="<abcdefghijklmnopqrstuvwx@dialogdesk.test>"), source="test")
    unknown = inbound_process(dsn("never-mailed@example.org", "5.1.1", "550 5.1.1 User unknown",
                                  mail_id="<dsn-2@mx.example.net>"), source="test")

    assert forged["kind"] == unknown["kind"] == "bounce"
    assert forged["matched_message_id"] is None and unknown["matched_message_id"] is None
    assert forged["effects"] == unknown["effects"] == []
    assert not SuppressionEntry.objects.exists() and not MessageEvent.objects.exists()
    assert Message.objects.get(pk=sent.pk).status == Message.Status.ACCEPTED
    assert caplog.text.count("left without effect") == 2


def test_bounce_naming_another_address_than_the_matched_message_changes_nothing(sent, caplog):
    caplog.set_level(logging.WARNING)
    result = inbound_process(dsn("other@example.org", "5.1.1", "550 5.1.1 User unknown",
                                 message_id=f"<{sent.token}@{mail_domain()}>"), source="test")
    assert result["matched_message_id"] == sent.pk and result["effects"] == []
    assert not suppressed(ADDRESS) and "not k.mueller@lokalblatt.example" in caplog.text


BAD_INPUT = {
    "truncated": dsn(ADDRESS, "5.1.1", "550 5.1.1 User unknown")[:300],
    "garbled": b"\xff\xfe\x00Content-Type: multipart/report; boundary=\n\n--\x00\x01garbage" * 50,
    "lying charset": dsn(ADDRESS, "5.2.2", "552 5.2.2 Postfach voll").replace(
        b"Content-Type: text/plain", b"Content-Type: text/plain; charset=x-no-such-charset").replace(
        b"Postfach voll", "Postfach voll \u00fc\u00df".encode("latin-1")),
    "utf-16 claimed": dsn(ADDRESS, "5.2.2", "552 5.2.2 mailbox full").replace(
        b"Content-Type: text/plain", b"Content-Type: text/plain; charset=utf-16"),
}


@pytest.mark.parametrize("name", BAD_INPUT)
def test_bad_input_gets_a_clear_result(sent, name):
    result = inbound_process(BAD_INPUT[name], source="test", dry_run=True)
    assert result["kind"] in ("bounce", "unknown")
    assert isinstance(result["summary"], list)


def test_20_mb_bounce_with_the_original_attached(sent):
    raw = dsn(ADDRESS, "5.3.4", "552 5.3.4 Message size exceeds fixed limit").replace(
        b"--B--", b"--B\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + (b"QUJD" * 19 + b"\r\n") * 262_000 + b"--B--")
    assert len(raw) > 20_000_000
    result = inbound_process(raw, source="test", dry_run=True)
    assert [(r["address"], r["reason"], r["hard"]) for r in result["recipients"]] == [
        (ADDRESS, "message_too_big", False)]


def test_report_claiming_thousands_of_recipients_is_cut(sent):
    blocks = "\n\n".join(f"Final-Recipient: rfc822; r{i}@example.org\nAction: failed\nStatus: 5.1.1"
                         for i in range(5000))
    raw = mail(DAEMON + 'Subject: Undelivered\nMIME-Version: 1.0\nContent-Type: multipart/report; boundary="B"\n',
               f"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\n{blocks}\n\n--B--\n")
    result = inbound_process(raw, source="test")
    assert result["kind"] == "bounce" and len(result["recipients"]) == 500
    assert result["matched_message_id"] is None and not SuppressionEntry.objects.exists()


def ses(kind: str, body: dict, mail_part: dict) -> str:
    import json

    return json.dumps({"notificationType": kind, kind.lower(): body, "mail": mail_part})


def test_ses_complaint_without_message_id_is_matched_by_the_complained_recipient(sent):
    result = ses_notification_process(sns_message_id="n-1", message=ses("Complaint", {
        "complainedRecipients": [{"emailAddress": ADDRESS}], "complaintFeedbackType": "abuse"}, {}))

    assert result["matched_message_id"] == sent.pk
    assert result["matched_by"] == "failed recipient and the latest message to it"
    assert SuppressionEntry.objects.get(email_hash=email_hash(ADDRESS)).reason == SuppressionEntry.Reason.COMPLAINT


def test_ses_permanent_bounce_with_a_delayed_recipient_is_soft_for_that_one(sent):
    ses_notification_process(sns_message_id="n-2", message=ses("Bounce", {
        "bounceType": "Permanent", "bounceSubType": "General",
        "bouncedRecipients": [{"emailAddress": ADDRESS, "action": "delayed", "status": "4.4.7",
                               "diagnosticCode": "smtp; 451 4.4.7 delivery time expired"}]},
        {"messageId": sent.provider_message_id}))

    contact = Contact.objects.get(pk=sent.contact_id)
    assert (contact.bounce_state, contact.soft_bounce_count) == (Contact.BounceState.SOFT, 1)
    assert not suppressed(ADDRESS)
    assert InboundMessage.objects.get().recipients[0]["hard"] is False
