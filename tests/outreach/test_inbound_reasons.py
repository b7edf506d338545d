"""Reasons, hard/soft and the non-textbook report formats, on the parsed mail alone (no database).

The samples are written after the formats' documentation (RFC 3464 section 2 and its appendix examples,
the MTAs' manuals and source comments), with our own addresses; none is taken from sisimai's collection.
"""

import pytest

from outreach.inbound.classify import classify
from outreach.inbound.mail import field_blocks, read_mail
from outreach.inbound.reasons import SENDER_REPUTATION_REASONS, verdict
from outreach.models import BounceReason as R


def mail(headers: str, body: str) -> bytes:
    return (headers.strip() + "\n\n" + body.lstrip("\n")).replace("\n", "\r\n").encode("utf-8")


DAEMON = "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: bounces@dialogdesk.test\n"


@pytest.mark.parametrize(("status", "diagnostic", "reason", "hard"), [
    ("5.1.1", "550 5.1.1 <a@example.org>: Recipient address rejected: User unknown in local recipient table",
     R.USER_UNKNOWN, True),
    ("5.1.2", "Host or domain name not found. Name service error for name=example.invalid", R.HOST_UNKNOWN, True),
    ("5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
     R.USER_UNKNOWN, True),
    (None, "556 5.1.10 Recipient address has null MX", R.NOT_ACCEPT, True),
    ("5.1.6", "551 5.1.6 User has moved; please try <b@example.org>", R.HAS_MOVED, True),
    # Provider wordings in the providers' languages (GMX/Web.de, Orange, Mail.ru).
    (None, "550 Unbekannter Empfänger / Requested action not taken: mailbox unavailable", R.USER_UNKNOWN, True),
    (None, "552 Postfach voll / mailbox full", R.MAILBOX_FULL, False),
    (None, "550 5.2.2 boîte aux lettres pleine", R.MAILBOX_FULL, False),
    # Everything about our mail or our sending, not the address: soft, even as 5.x.x.
    ("5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", R.BLOCKED, False),
    ("5.7.1", "550 5.7.1 Our system has detected that this message is likely unsolicited mail", R.SPAM_DETECTED, False),
    ("5.7.26", "550 5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy",
     R.AUTHENTICATION_FAILURE, False),
    ("5.7.1", "550 5.7.1 Message rejected due to content restrictions", R.POLICY, False),
    ("5.2.1", "550 5.2.1 The email account that you tried to reach is disabled", R.SUSPENDED, False),
    ("4.7.0", "421 4.7.0 Too many concurrent SMTP connections from this IP", R.TOO_MANY_CONNECTIONS, False),
    ("4.4.7", "Message could not be delivered for 5 days", R.EXPIRED, False),
    ("5.4.6", "554 5.4.6 Hop count exceeded - possible mail loop", R.NETWORK_ERROR, False),
    ("5.7.0", "530 5.7.0 Must issue a STARTTLS command first", R.SECURITY_ERROR, False),
    ("5.7.1", "554 5.7.1 <a@example.org>: Relay access denied", R.RELAYING_DENIED, False),
    ("5.3.4", "552 5.3.4 Message size exceeds fixed limit", R.MESSAGE_TOO_BIG, False),
    # A temporary user unknown (Postfix soft_bounce) is not a hard bounce.
    ("4.1.1", "450 4.1.1 <a@example.org>: Recipient address rejected: User unknown", R.USER_UNKNOWN, False),
    # Refused at MAIL FROM: the words are about our sender.
    ("5.1.8", "553 5.1.8 Domain of sender address presse@dialogdesk.test does not exist", R.POLICY, False),
    (None, "", R.UNDEFINED, False),
])
def test_verdict(status, diagnostic, reason, hard):
    found = verdict(status=status, code=None, diagnostic=diagnostic)
    assert (found.reason, found.hard) == (reason, hard), found.derived_from
    assert found.derived_from


def test_reputation_reasons_are_never_hard():
    assert not SENDER_REPUTATION_REASONS & {R.USER_UNKNOWN, R.HOST_UNKNOWN, R.HAS_MOVED, R.NOT_ACCEPT}


def test_per_recipient_fields_in_the_first_block_and_no_action():
    # Written by some gateways (AOL, McAfee): no blank line between per-message and per-recipient fields,
    # Original-Recipient only, no Action.
    per_message, recipients = field_blocks(
        "Reporting-MTA: dns; mx.example.net\nArrival-Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
        "Original-Recipient: rfc822;<a@example.org>\nDiagnostic-Code: smtp; 550 5.1.1 <a@example.org>... User unknown\n")
    assert per_message["reporting-mta"] == "dns; mx.example.net"
    assert recipients == [{"original-recipient": "rfc822;<a@example.org>",
                           "diagnostic-code": "smtp; 550 5.1.1 <a@example.org>... User unknown"}]


def report(*blocks: str, text: str = "Delivery failed.", extra_headers: str = "") -> bytes:
    body = (
        "--B\nContent-Type: text/plain\n\n" + text + "\n\n--B\nContent-Type: message/delivery-status\n\n"
        + "\n\n".join(blocks) + "\n\n--B\nContent-Type: text/rfc822-headers\n\n"
        "From: presse@dialogdesk.test\nTo: a@example.org\nMessage-ID: <abcdefghijklmnopqrstuvwx@dialogdesk.test>\n"
        "Subject: Einladung\n\n--B--\n")
    return mail(DAEMON + "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
                + extra_headers + 'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n', body)


PER_MESSAGE = "Reporting-MTA: dns; mx.example.net"


def test_action_expired_and_missing_action():
    raw = report(PER_MESSAGE, "Final-Recipient: rfc822; a@example.org\nAction: expired\nStatus: 4.4.7",
                 "Final-Recipient: rfc822; b@example.org\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user")
    result = classify(read_mail(raw))
    assert result.kind == "bounce"
    assert [(r.address, r.reason, r.hard) for r in result.recipients] == [
        ("a@example.org", R.EXPIRED, False), ("b@example.org", R.USER_UNKNOWN, True)]


def test_recipient_written_as_a_pipe_or_a_file_takes_the_original_address():
    # Sendmail/Postfix local delivery: the final recipient is the program or mailbox file it failed on.
    raw = report(PER_MESSAGE, 'Final-Recipient: rfc822; "|/usr/bin/procmail"\nAction: failed\nStatus: 5.3.0\n'
                 "Diagnostic-Code: x-unix; procmail: Couldn't create /var/mail/a")
    recipient, = classify(read_mail(raw)).recipients
    assert (recipient.address, recipient.reason, recipient.hard) == ("a@example.org", R.SYSTEM_ERROR, False)


def test_a_daemons_auto_replied_report_is_a_bounce_and_a_persons_out_of_office_is_not():
    bounce = report(PER_MESSAGE, "Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.1.1",
                    extra_headers="Auto-Submitted: auto-replied\nReturn-Path: <>\n")
    assert classify(read_mail(bounce)).kind == "bounce"
    out_of_office = mail("From: A <a@example.org>\nTo: presse@dialogdesk.test\nReturn-Path: <>\n"
                         "Auto-Submitted: auto-replied\nSubject: Automatische Antwort: Einladung\n",
                         "Ich bin bis 3. Mai nicht im Büro. Ihre Nachricht an a@example.org wird nicht weitergeleitet.\n")
    assert classify(read_mail(out_of_office)).kind == "auto_reply"


def test_success_report_is_no_bounce():
    raw = report(PER_MESSAGE, "Final-Recipient: rfc822; a@example.org\nAction: delivered\nStatus: 2.0.0")
    assert classify(read_mail(raw)).kind == "unknown"


PROSE = [
    # DragonFly Mail Agent (dma's mail.c: bounce()): one mail per recipient, headers of the original after it.
    ("DragonFly Mail Agent", DAEMON + "Subject: Mail delivery failed\n",
     "This is the DragonFly Mail Agent v0.13 at mx.example.net.\n\nThere was an error delivering your mail to "
     "<a@example.org>.\n\nmx.example.org [192.0.2.1] did not like our RCPT TO:\n550 5.1.1 <a@example.org>: "
     "Recipient address rejected: User unknown\n\nMessage headers follow.\n\nFrom: presse@dialogdesk.test\n",
     "a@example.org", R.USER_UNKNOWN, True),
    # OpenSMTPD (smtpd/bounce.c): "the following list of recipients:" then "address: reply".
    ("OpenSMTPD", DAEMON + "Subject: Delivery status notification: error\n",
     "    Hi!\n\n    This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.\n\n    An error has occurred "
     "while attempting to deliver a message for\n    the following list of recipients:\n\n"
     "a@example.org: 552 5.2.2 Mailbox full\n\n    Below is a copy of the original message:\n\nFrom: x@y.z\n",
     "a@example.org", R.MAILBOX_FULL, False),
    # HCL Domino: "was not delivered to: ... because: ...". flufl.bounce reads this one (our Domino detector
    # stays for the variants it misses).
    ("flufl.bounce", "From: Postmaster@example.org\nTo: bounces@dialogdesk.test\nSubject: DELIVERY FAILURE: User a\n",
     "Your message\n\n  Subject: Einladung\n\nwas not delivered to:\n\n  a@example.org\n\nbecause:\n\n"
     "  User a (a@example.org) not listed in Domino Directory\n",
     "a@example.org", R.USER_UNKNOWN, True),
    # KDDI (au): "Could not be delivered to: <addr>" and the reason as a sentence.
    ("KDDI/au/EZweb", "Return-Path: <>\nFrom: no-reply@mx.example.ne.jp\nTo: bounces@dialogdesk.test\nSubject: Mail\n",
     "Your mail sent on: Thu, 29 Apr 2024 00:00:00 +0900\n     Could not be delivered to: <a@example.ne.jp>\n"
     "     As their mailbox is full.\n",
     "a@example.ne.jp", R.MAILBOX_FULL, False),
    # qmail (qmail-send.c): "<addr>:" then the remote reply, a spam block here.
    ("flufl.bounce", DAEMON + "Subject: failure notice\n",
     "Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver your message to "
     "the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n"
     "<a@example.org>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.7.1 Message rejected as spam "
     "by Content Filtering.\nGiving up on 192.0.2.1.\n\n--- Below this line is a copy of the message.\n\nFrom: x@y.z\n",
     "a@example.org", R.SPAM_DETECTED, False),
]


@pytest.mark.parametrize(("found_by", "headers", "body", "address", "reason", "hard"), PROSE,
                         ids=[p[0] for p in PROSE])
def test_prose_reports(found_by, headers, body, address, reason, hard):
    result = classify(read_mail(mail(headers, body)))
    assert result.kind == "bounce"
    recipient, = result.recipients
    assert (recipient.address, recipient.reason, recipient.hard, recipient.found_by) == (address, reason, hard, found_by)


def test_complaint_forwarded_without_a_feedback_report_part():
    # Outlook.com's JMRP: the complained-about mail attached, no message/feedback-report part.
    raw = mail("From: staff@hotmail.com\nTo: abuse@dialogdesk.test\nSubject: complaint about message from 192.0.2.1\n"
               'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n',
               "--B\nContent-Type: text/plain\n\nThis is an email abuse report.\n\n--B\nContent-Type: message/rfc822\n\n"
               "From: presse@dialogdesk.test\nTo: a@example.org\nMessage-ID: <abcdefghijklmnopqrstuvwx@dialogdesk.test>\n"
               "Subject: Einladung\n\nHallo\n\n--B--\n")
    result = classify(read_mail(raw))
    assert result.kind == "complaint"
    assert [r.address for r in result.recipients] == ["a@example.org"]
