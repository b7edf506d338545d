"""Unsubscribing by mail (List-Unsubscribe mailto, issue #9, finding 9).

The address's token appears nowhere else in the message (not in the Message-ID,
the VERP Return-Path or the Reply-To), so a forwarded mail's headers do not
unsubscribe its recipient; a valid one acts like the one-click unsubscribe: one
event on the message and the timeline, and only that recipient.
"""

import re
from email import message_from_binary_file, policy
from pathlib import Path

import pytest

from outreach.models import ActivityEvent, Message, MessageEvent, SuppressionEntry, email_hash
from outreach.services.inbound import inbound_process
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from tests.outreach.inbound_fixtures import inbound_storage  # noqa: F401
from tests.outreach.sending_fixtures import MAIL_DOMAIN, mail_settings, make_contacts, make_mailing, sender  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(sender, mail_settings, inbound_storage):  # noqa: F811
    """A mailing with reply tracking sent to two contacts through the outbox; {email: (Message, parsed mail)}."""
    contacts = make_contacts(2)
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts, locales=("de",),
                                                track_replies=True))
    message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")
    mails = {}
    for path in sorted((Path(mail_settings.MAIL_OUTBOX_DIR) / str(mailing.pk)).glob("*.eml")):
        with open(path, "rb") as handle:
            mail = message_from_binary_file(handle, policy=policy.default)
        address = str(mail["To"].addresses[0].addr_spec)
        mails[address] = (Message.objects.get(mailing=mailing, email=address), mail)
    assert len(mails) == 2
    return mails


def mailto_address(mail) -> str:
    [address] = re.findall(r"<mailto:([^>]+)>", str(mail["List-Unsubscribe"]))
    return address


def unsubscribe_mail(to: str, *, sender_address: str = "leser@example.org", message_id: str = "") -> bytes:
    # What a mail client sends for List-Unsubscribe mailto: an empty mail, marked as generated.
    message_id = message_id or f"<unsub-{abs(hash(to))}@example.org>"
    return (f"From: {sender_address}\r\nTo: {to}\r\nSubject: unsubscribe\r\nAuto-Submitted: auto-generated\r\n"
            f"Message-ID: {message_id}\r\nDate: Wed, 15 Jan 2025 08:20:10 +0100\r\n\r\nunsubscribe\r\n").encode()


def suppressed(address: str) -> bool:
    return SuppressionEntry.objects.filter(email_hash=email_hash(address)).exists()


def test_the_mailto_token_appears_in_no_other_header(sent):
    for message, mail in sent.values():
        local = mailto_address(mail).rpartition("@")[0]
        token = local.partition("+")[2]
        assert token and token != message.token
        for name in ("Message-ID", "Return-Path", "Reply-To"):
            assert mail[name], name
            assert token not in str(mail[name]), name
        # Nor does the message's token (the one in those headers) appear in the mailto address.
        assert message.token not in local


def test_an_address_made_from_the_message_id_unsubscribes_nobody(sent):
    message, mail = next(iter(sent.values()))
    token = str(mail["Message-ID"]).strip("<>").partition("@")[0]
    assert token == message.token

    result = inbound_process(unsubscribe_mail(f"unsubscribe+{token}@{MAIL_DOMAIN}"), source="pipe")

    assert result["effects"] == [] and result["matched_message_id"] is None
    assert not suppressed(message.email)
    assert not MessageEvent.objects.filter(kind=MessageEvent.Kind.UNSUBSCRIBE).exists()


def test_a_forged_or_altered_mailto_token_unsubscribes_nobody(sent):
    (message, mail), (other, _other_mail) = sent.values()
    local, _at, domain = mailto_address(mail).partition("@")
    role, _plus, token = local.partition("+")
    forged = [
        token[:-1] + ("0" if token[-1] != "0" else "1"),  # one character off
        token.replace(str(message.pk), str(other.pk), 1),  # the other recipient's number with this signature
        "1-" + "0" * 24,
    ]
    for number, value in enumerate(forged):
        result = inbound_process(unsubscribe_mail(f"{role}+{value}@{domain}", message_id=f"<forged-{number}@x>"),
                                 source="pipe")
        assert result["effects"] == [] and result["matched_message_id"] is None
    assert not suppressed(message.email) and not suppressed(other.email)


def test_a_valid_mailto_unsubscribe_logs_and_unsubscribes_exactly_that_recipient(sent):
    (message, mail), (other, _other_mail) = sent.values()

    result = inbound_process(unsubscribe_mail(mailto_address(mail).upper()), source="pipe")

    assert result["kind"] == "unsubscribe" and result["matched_message_id"] == message.pk
    assert result["effects"] == ["unsubscribed"]
    assert suppressed(message.email) and not suppressed(other.email)
    [event] = MessageEvent.objects.filter(kind=MessageEvent.Kind.UNSUBSCRIBE)
    assert event.message_id == message.pk and event.data["source"] == "mailto"
    [entry] = ActivityEvent.objects.filter(kind=ActivityEvent.Kind.UNSUBSCRIBED)
    assert entry.contact_id == message.contact_id and entry.data["source"] == "mailto"

    # The same address again (another mail, a replay) changes nothing more.
    again = inbound_process(unsubscribe_mail(mailto_address(mail), message_id="<second@example.org>"), source="pipe")
    assert again["effects"] == ["unsubscribed already"]
    assert MessageEvent.objects.filter(kind=MessageEvent.Kind.UNSUBSCRIBE).count() == 1
