"""A tracked reply is recorded and forwarded to the mailing's sender, once; nothing else is forwarded."""

import pytest
from email import policy
from email.parser import BytesParser

from outreach.models import InboundMessage, Mailing
from outreach.selectors_outbox import outbox_entries, outbox_raw
from outreach.services.inbound import inbound_process
from outreach.services.reply_forwarding import inbound_reply_forward
from outreach.services.transactional import OUTBOX_FOLDER
from tests.outreach.inbound_fixtures import inbound_storage, sample, sent_messages  # noqa: F401
from tests.outreach.sending_fixtures import mail_settings, sender  # noqa: F401

pytestmark = pytest.mark.django_db


def forwards() -> list:
    entries, _total = outbox_entries(folder=OUTBOX_FOLDER)
    return [BytesParser(policy=policy.default).parsebytes(outbox_raw(folder=OUTBOX_FOLDER, name=entry.name))
            for entry in entries]


def test_a_reply_is_queued_on_commit_and_forwarded_to_the_sender_with_the_original(
        sent_messages, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        result = inbound_process(sample("reply_german.eml"), source="pipe")
    inbound = InboundMessage.objects.get(pk=result["inbound_message_id"])
    assert "forward to the sender queued" in result["effects"]
    assert len(callbacks) == 1 and inbound.forwarded_at is None  # queued, not sent inside the transaction

    assert inbound_reply_forward(inbound_message_id=inbound.pk) == "forwarded"

    [forward] = forwards()
    assert forward["To"].addresses[0].addr_spec == "antwort@dialogdesk.test"  # the sender's reply-to
    assert forward["Reply-To"].addresses[0].addr_spec == "k.mueller@tageszeitung.example"
    assert forward["Auto-Submitted"] == "auto-generated"
    assert forward["Subject"].startswith("Antwort von ") and "Re: Einladung zum Industriedialog" in forward["Subject"]
    text = forward.get_body(("plain",)).get_content()
    assert "Ich komme gern zum Industriedialog" in text and "k.mueller@tageszeitung.example" in text
    [attached] = list(forward.iter_attachments())
    assert attached.get_content_type() == "message/rfc822"
    original = attached.get_content()
    assert original["Message-ID"] == "<5c1e9a7b-2f4d-4e1a-9b3c-7d8e6f5a4b3c@tageszeitung.example>"
    assert "bringe eine Fotografin mit" in original.get_body(("plain",)).get_content()
    assert InboundMessage.objects.get(pk=inbound.pk).forwarded_at is not None

    assert inbound_reply_forward(inbound_message_id=inbound.pk) == "already forwarded"
    assert len(forwards()) == 1


@pytest.mark.parametrize("name", ["ooo_german.eml", "postfix_hard.eml", "arf_complaint.eml"])
def test_auto_replies_bounces_and_complaints_are_not_forwarded(sent_messages, django_capture_on_commit_callbacks,
                                                               name):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = inbound_process(sample(name), source="pipe")

    assert callbacks == [] and "forward to the sender queued" not in result["effects"]
    assert inbound_reply_forward(inbound_message_id=result["inbound_message_id"]) == "not forwarded"
    assert forwards() == []


def test_a_reply_to_a_mailing_that_does_not_track_replies_is_not_forwarded(sent_messages,
                                                                           django_capture_on_commit_callbacks):
    Mailing.objects.filter(pk=sent_messages["reply_german.eml"].mailing_id).update(track_replies=False)

    with django_capture_on_commit_callbacks() as callbacks:
        result = inbound_process(sample("reply_german.eml"), source="pipe")

    assert callbacks == [] and result["kind"] == "reply"
    assert inbound_reply_forward(inbound_message_id=result["inbound_message_id"]) == "not forwarded"
