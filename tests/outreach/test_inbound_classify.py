"""Classification and matching of real-format samples, through inbound_process(dry_run=True): nothing is written."""

import pytest

from outreach.models import InboundMessage, MessageEvent
from outreach.services.inbound import inbound_process
from tests.outreach.inbound_fixtures import (  # noqa: F401
    SAMPLE_MESSAGES,
    inbound_storage,
    sample,
    sent_messages,
)
from tests.outreach.sending_fixtures import mail_settings, sender  # noqa: F401

pytestmark = pytest.mark.django_db

BOUNCES = [
    # sample, status, hard, matched by
    ("postfix_hard.eml", "5.1.1", True, "Delivered-To"),
    ("exim_hard.eml", "5.1.1", True, "Envelope-To"),
    ("exchange_5_1_10.eml", "5.1.10", True, "Delivered-To"),
    ("exchange_5_4_1.eml", "5.4.1", True, "Delivered-To"),
    ("gmail_hard.eml", "5.1.1", True, "Delivered-To"),
    ("sendmail_hard.eml", "5.1.1", True, "Delivered-To"),
    ("qmail_hard.eml", "5.1.1", True, "Delivered-To"),
    ("yahoo_hard.eml", None, True, "Delivered-To"),
    ("postfix_soft_mailbox_full.eml", "4.2.2", False, "Delivered-To"),
]


@pytest.mark.parametrize(("name", "status", "hard", "matched_by"), BOUNCES)
def test_bounce_recipient_status_and_message(sent_messages, name, status, hard, matched_by):
    result = inbound_process(sample(name), source="test", dry_run=True)

    token, address = SAMPLE_MESSAGES[name]
    assert result["kind"] == "bounce"
    assert [(r["address"], r["status"], r["hard"]) for r in result["recipients"]] == [(address, status, hard)]
    assert result["message_token"] == token
    assert result["matched_message_id"] == sent_messages[name].pk
    assert result["matched_by"] == matched_by
    assert result["reasons"]


def test_free_text_bounces_are_found_by_flufl_bounce(sent_messages):
    for name in ("exim_hard.eml", "qmail_hard.eml", "yahoo_hard.eml"):
        result = inbound_process(sample(name), source="test", dry_run=True)
        assert "bounce read by flufl.bounce" in result["reasons"], name


def test_dsn_diagnostic_is_kept(sent_messages):
    result = inbound_process(sample("exchange_5_1_10.eml"), source="test", dry_run=True)

    assert "RESOLVER.ADR.RecipientNotFound" in result["recipients"][0]["diagnostic"]


def test_complaint_matched_by_the_attached_original(sent_messages):
    result = inbound_process(sample("arf_complaint.eml"), source="test", dry_run=True)

    assert result["kind"] == "complaint"
    assert result["recipients"][0]["address"] == "m.weber@web.example"
    assert result["matched_message_id"] == sent_messages["arf_complaint.eml"].pk
    assert result["matched_by"] == "Message-ID of the attached original"


@pytest.mark.parametrize(("name", "matched_by"), [("ooo_german.eml", "Delivered-To"),
                                                  ("ooo_english.eml", "In-Reply-To")])
def test_out_of_office_is_an_auto_reply_not_a_reply(sent_messages, name, matched_by):
    result = inbound_process(sample(name), source="test", dry_run=True)

    assert result["kind"] == "auto_reply"
    assert result["is_auto_reply"] is True
    assert "Auto-Submitted: auto-replied" in result["reasons"]
    assert result["matched_message_id"] == sent_messages[name].pk
    assert result["matched_by"] == matched_by


def test_reply_by_token_address(sent_messages):
    result = inbound_process(sample("reply_german.eml"), source="test", dry_run=True)

    assert result["kind"] == "reply"
    assert result["matched_by"] == "Delivered-To"
    assert result["matched_message_id"] == sent_messages["reply_german.eml"].pk
    assert result["text"].startswith("Sehr geehrte Damen und Herren,")
    assert "Pressemappe" in result["text"]
    assert "schrieb" not in result["text"] and "Krefeld." not in result["text"]


def test_reply_by_in_reply_to(sent_messages):
    result = inbound_process(sample("reply_html_only.eml"), source="test", dry_run=True)

    assert result["kind"] == "reply"
    assert result["matched_by"] == "In-Reply-To"
    assert result["matched_message_id"] == sent_messages["reply_html_only.eml"].pk
    assert "Akkreditierungsliste" in result["text"]
    assert "Gesendet" not in result["text"] and "Sehr geehrter Herr Schmidt" not in result["text"]


def test_unknown_mail(sent_messages):
    result = inbound_process(sample("unknown.eml"), source="test", dry_run=True)

    assert result["kind"] == "unknown"
    assert result["matched_message_id"] is None
    assert result["recipients"] == []


def test_unsubscribe_mail_even_when_marked_auto_generated(sent_messages):
    result = inbound_process(sample("unsubscribe.eml"), source="test", dry_run=True)

    assert result["kind"] == "unsubscribe"
    assert result["matched_message_id"] == sent_messages["unsubscribe.eml"].pk


def test_bounce_without_verp_address_is_matched_by_the_original_it_carries(sent_messages):
    raw = sample("postfix_hard.eml").replace(
        b"Delivered-To: bounces+postfixhardaaaaaaaaaaaaa@", b"Delivered-To: bounces@").replace(
        b"To: bounces+postfixhardaaaaaaaaaaaaa@", b"To: bounces@")

    result = inbound_process(raw, source="test", dry_run=True)

    assert result["kind"] == "bounce"
    assert result["matched_message_id"] == sent_messages["postfix_hard.eml"].pk
    assert result["matched_by"] == "Message-ID of the attached original"


def test_free_text_bounce_without_verp_is_matched_by_the_pasted_message_id(sent_messages):
    raw = sample("qmail_hard.eml").replace(b"bounces+qmailhardaaaaaaaaaaaaaaa@mail", b"bounces@mail", 2)
    raw = raw.replace(b"Return-Path: <bounces+qmailhard", b"Return-Path: <elsewhere+qmailhard")

    result = inbound_process(raw, source="test", dry_run=True)

    assert result["kind"] == "bounce"
    assert result["matched_message_id"] == sent_messages["qmail_hard.eml"].pk
    assert result["matched_by"] == "Message-ID in the bounce text"


def test_unparseable_bounce_to_a_verp_address_is_a_bounce_for_the_message_address(sent_messages):
    raw = (b"From: MAILER-DAEMON@mx.example.net\nTo: bounces+postfixhardaaaaaaaaaaaaa@mail.dialogdesk.test\n"
           b"Subject: Nondeliverable mail\nMessage-ID: <odd-1@mx.example.net>\n\n"
           b"Your mail could not be handed over. 550 Requested action not taken: mailbox unavailable\n")

    result = inbound_process(raw, source="test", dry_run=True)

    assert result["kind"] == "bounce"
    assert result["recipients"][0]["address"] == "redaktion.alt@example-zeitung.de"
    assert result["recipients"][0]["hard"] is True


def test_dry_run_writes_nothing(sent_messages):
    for name in ("postfix_hard.eml", "reply_german.eml", "arf_complaint.eml", "unknown.eml"):
        inbound_process(sample(name), source="test", dry_run=True)

    assert not InboundMessage.objects.exists()
    assert not MessageEvent.objects.exists()
