"""manage.py ingest_mail, as the Postfix pipe runs it: mail on stdin, exit 0 for anything it cannot use."""

import io
import json

import pytest
from django.core.management import call_command

from outreach.models import InboundMessage, Message
from tests.outreach.inbound_fixtures import inbound_storage, sample, sent_messages  # noqa: F401
from tests.outreach.sending_fixtures import mail_settings, sender  # noqa: F401

pytestmark = pytest.mark.django_db


def ingest(raw: bytes, *args) -> str:
    out = io.StringIO()
    call_command("ingest_mail", *args, stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue()


def test_dry_run_prints_one_json_object_and_changes_nothing(sent_messages):
    output = ingest(sample("exchange_5_1_10.eml"), "--dry-run")

    result = json.loads(output)
    assert result["kind"] == "bounce"
    recipient = result["recipients"][0]
    assert (recipient["address"], recipient["status"], recipient["hard"]) == (
        "presse@stadtwerke-example.de", "5.1.10", True)
    assert result["message_token"] == "exchangenotfoundaaaaaaaa"
    assert result["matched_message_id"] == sent_messages["exchange_5_1_10.eml"].pk
    assert result["reasons"] and result["dry_run"] is True
    assert not InboundMessage.objects.exists()
    assert Message.objects.get(pk=result["matched_message_id"]).status == Message.Status.ACCEPTED


def test_dry_run_of_unknown_mail(sent_messages):
    result = json.loads(ingest(sample("unknown.eml"), "--dry-run"))

    assert (result["kind"], result["matched_message_id"], result["recipients"]) == ("unknown", None, [])


def test_pipe_processes_and_stays_quiet(sent_messages):
    assert ingest(sample("gmail_hard.eml"), "--source", "pipe") == ""

    assert Message.objects.get(token="gmailhardaaaaaaaaaaaaaaa").status == Message.Status.BOUNCED
    assert InboundMessage.objects.get().source == "pipe"


def test_envelope_recipient_names_the_message(sent_messages):
    raw = b"From: someone@example.org\nTo: presse@dialogdesk.test\nSubject: Danke\nMessage-ID: <x1@example.org>\n\nOk\n"
    recipient = "reply+replyhtmlaaaaaaaaaaaaaaa@mail.dialogdesk.test"

    result = json.loads(ingest(raw, "--dry-run", "--recipient", recipient))

    assert result["kind"] == "reply" and result["matched_by"] == "envelope recipient"


def test_unknown_and_empty_mail_exit_zero(sent_messages):
    ingest(sample("unknown.eml"))
    ingest(b"")

    assert InboundMessage.objects.get().kind == "unknown"
