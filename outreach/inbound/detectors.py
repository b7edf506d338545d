"""Failure reports that are not RFC 3464 and that flufl.bounce does not read: one detector per MTA or provider.

Each detector reads the report text of an InboundMail (the text before the copy of the original) and
returns the failed recipients it finds as (address, diagnostic) pairs, or [] when the format is not
its own. The address may be None where the format names none (Verizon): the message the report is about
then says who it was. They are tried in order after the delivery-status reader and flufl.bounce; the
last one, `generic`, is the catch-all for mail that presents itself as a bounce.
"""

import re
from collections.abc import Callable

from outreach.inbound.mail import InboundMail

ADDRESS = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+"
_ADDRESS = re.compile(ADDRESS)
_FLAGS = re.IGNORECASE | re.DOTALL

Found = list[tuple[str | None, str]]


def _clean(text: str) -> str:
    return " ".join(text.split())[:1000]


def _pairs(pattern: re.Pattern, text: str) -> Found:
    return [(m.group("address").lower(), _clean(m.group("diagnostic"))) for m in pattern.finditer(text)]


# DragonFly Mail Agent (dma, the MTA of DragonFly BSD and some Linux distributions): one plain-text mail
# per failed recipient, "There was an error delivering your mail to <addr>.", the remote server's
# complaint, then "Message headers follow." and the original's headers.
_DRAGONFLY = re.compile(rf"error delivering your mail to <(?P<address>{ADDRESS})>\.?(?P<diagnostic>.{{0,1500}}?)"
                        r"(?:Message headers follow|$)", _FLAGS)


def dragonfly(mail: InboundMail) -> Found:
    return _pairs(_DRAGONFLY, mail.report_text)


# OpenSMTPD: "An error has occurred while attempting to deliver a message for the following list of
# recipients:", then one "address: reply" line per recipient, then "Below is a copy of the original message".
_OPENSMTPD_HEAD = re.compile(r"deliver a message for\s+the following list of\s+recipients:", re.IGNORECASE)
_OPENSMTPD_LINE = re.compile(rf"^(?P<address>{ADDRESS}): (?P<diagnostic>.+)$", re.MULTILINE)


def opensmtpd(mail: InboundMail) -> Found:
    head = _OPENSMTPD_HEAD.search(mail.report_text)
    return _pairs(_OPENSMTPD_LINE, mail.report_text[head.end():]) if head else []


# IBM/HCL Domino: "Your message ... was not delivered to: <addr> because: <reason>", as plain text and
# without a delivery-status part in older releases.
_DOMINO = re.compile(rf"was not delivered to:\s+<?(?P<address>{ADDRESS})>?\s+because:\s+(?P<diagnostic>[^\n]+(?:\n[^\n]+)*)",
                     _FLAGS)


def domino(mail: InboundMail) -> Found:
    return _pairs(_DOMINO, mail.report_text)


# KDDI / au (dion.ne.jp, ezweb.ne.jp) and other Japanese carriers: "Could not be delivered to: <addr>"
# with the reason in the next sentence ("As their mailbox is full."), or a per-recipient
# "Recipient: <addr>" block with the SMTP transcript (">>> RCPT TO", "<<< 550 ...").
_KDDI = re.compile(rf"Could not be delivered to:\s*<(?P<address>{ADDRESS})>\s*(?P<diagnostic>[^\n]*(?:\n[^\n]+)*)", _FLAGS)
_CARRIER_RECIPIENT = re.compile(rf"Recipient:\s*<(?P<address>{ADDRESS})>(?P<diagnostic>(?:\s*\n\s*(?:>>>|<<<)[^\n]*)+)",
                                re.IGNORECASE)


def japanese_carriers(mail: InboundMail) -> Found:
    return _pairs(_KDDI, mail.report_text) or _pairs(_CARRIER_RECIPIENT, mail.report_text)


# McAfee Email Gateway / MxLogic: "--- The following addresses had delivery problems ---" then
# "<addr>   (5.1.1 <addr>... User unknown)" per line.
_MCAFEE = re.compile(rf"^\s*<(?P<address>{ADDRESS})>\s+\((?P<diagnostic>[^\n]+)\)\s*$", re.MULTILINE)


def mcafee(mail: InboundMail) -> Found:
    if "following addresses had delivery problems" not in mail.report_text.lower():
        return []
    return _pairs(_MCAFEE, mail.report_text)


# SendGrid's own MTA: "local:00000:<addr> : reply" per recipient.
_SENDGRID = re.compile(rf"^[\w.+-]+:\d+:<(?P<address>{ADDRESS})> : (?P<diagnostic>[^\n]+)$", re.MULTILINE)


def sendgrid(mail: InboundMail) -> Found:
    return _pairs(_SENDGRID, mail.report_text)


# Old Sendmail (V5, V8 transcripts without a DSN part) and its relatives: "554 <addr>... reason" lines
# in the transcript of the session.
_SENDMAIL_TRANSCRIPT = re.compile(rf"^\s*(?P<code>[45]\d\d) <(?P<address>{ADDRESS})>\.\.\. (?P<diagnostic>[^\n]+)$",
                                  re.MULTILINE)


def sendmail_transcript(mail: InboundMail) -> Found:
    return [(m.group("address").lower(), _clean(f"{m.group('code')} {m.group('diagnostic')}"))
            for m in _SENDMAIL_TRANSCRIPT.finditer(mail.report_text)]


# Trend Micro InterScan MSS: "Reason: Unable to deliver message to <addr> (and other recipients ...)".
_INTERSCAN = re.compile(rf"Unable to deliver message to <(?P<address>{ADDRESS})>(?P<diagnostic>[^\n]*)", re.IGNORECASE)


def interscan(mail: InboundMail) -> Found:
    return _pairs(_INTERSCAN, mail.report_text)


# Verizon Wireless (vtext.com, an Apache James installation) and Apache James itself: "Error: <reason>",
# "Error message below:" and the SMTP reply, naming no recipient at all.
_JAMES = re.compile(r"^Error: (?P<reason>[^\n]+)\n\s*\nError message below:\s*\n(?P<reply>[^\n]+)", re.MULTILINE)


def apache_james(mail: InboundMail) -> Found:
    found = _JAMES.search(mail.report_text)
    if not found:
        return []
    addresses = [a for a in mail.original_recipients if a not in mail.original_senders]
    diagnostic = _clean(f"{found.group('reply')} {found.group('reason')}")
    return [(address, diagnostic) for address in addresses] or [(None, diagnostic)]


DETECTORS: list[tuple[str, Callable[[InboundMail], Found]]] = [
    ("DragonFly Mail Agent", dragonfly), ("OpenSMTPD", opensmtpd), ("Domino", domino),
    ("KDDI/au/EZweb", japanese_carriers), ("McAfee", mcafee), ("SendGrid", sendgrid),
    ("Sendmail transcript", sendmail_transcript), ("InterScan MSS", interscan), ("Apache James/Verizon", apache_james),
]


def ours(mail: InboundMail) -> set[str]:
    """Addresses in a report that are not failed recipients: the report's own sender and recipients, the
    original's sender side, the postmasters and daemons."""
    own = set(mail.addresses("From") + mail.addresses("To") + mail.addresses("Delivered-To")
              + mail.addresses("X-Original-To") + mail.addresses("Reply-To")) | mail.original_senders
    return own


_DAEMON = re.compile(r"^(?:postmaster|mailer-daemon|mail-daemon|mailerdaemon|abuse|support|noreply|no-reply|help)@",
                     re.IGNORECASE)


_ID_HEADER = re.compile(r"^\s*(?:Message-I[dD]|In-Reply-To|References|Content-ID|X-[\w-]+-Id)\s*:", re.IGNORECASE)


def generic(mail: InboundMail) -> Found:
    """Any report that presents itself as a bounce: the addresses its text names, except our own side,
    each with the text that follows it (up to the next one) as its diagnostic. Where the returned
    original's To/Cc are known, only those count."""
    # Quoted (a forwarded bounce) or not; header lines that carry ids, not addresses, left out.
    text = "\n".join(line for line in (raw.lstrip("> ") for raw in mail.report_text.splitlines())
                     if not _ID_HEADER.match(line))
    own = ours(mail) | {i.lower() for i in mail.original_message_ids}
    seen: dict[str, int] = {}
    for found in _ADDRESS.finditer(text):
        address = found.group(0).lower().rstrip(".")
        if address in own or _DAEMON.match(address) or address in seen:
            continue
        seen[address] = found.start()
    if mail.original_recipients and seen.keys() & set(mail.original_recipients):
        seen = {a: i for a, i in seen.items() if a in mail.original_recipients}
    if not seen and (targets := [a for a in mail.original_recipients if a not in own]):
        # The text names nobody (a one-line "User unknown"): the returned original says whom it was for.
        return [(address, _clean(text[:2000])) for address in targets]
    positions = sorted(seen.items(), key=lambda item: item[1])
    results = []
    for index, (address, start) in enumerate(positions):
        end = positions[index + 1][1] if index + 1 < len(positions) else start + 1500
        context = text[start:end]
        if len(positions) == 1:
            context = text[max(0, start - 300):end]  # a lone address: the reason may come before it
        results.append((address, _clean(context)))
    return results
