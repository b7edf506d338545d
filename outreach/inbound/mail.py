"""One inbound mail, parsed once into the value every detector and matcher reads.

`read_mail(raw)` parses the bytes with the stdlib (policy.default, which records defects instead of
raising) and takes out, once, what the classifiers and matchers need:

* the mail's own headers (header(), addresses()) and its own text: the text/plain parts, else the HTML
  as text, else, where a broken MIME structure hid the parts (a boundary that does not match, a
  multipart without subparts), the raw body. Capped, so a 20 MB bounce costs no more than a small one;
* the delivery report: RFC 3464 per-message fields and one dict per recipient, read from the
  message/delivery-status parts, or, where there are none, from report fields written into the text
  (Amazon WorkMail's "Technical report", a DSN whose MIME structure broke);
* the ARF feedback report (RFC 5965) fields, if any;
* the returned original's headers (message/rfc822, text/rfc822-headers, or pasted into the text
  after a "copy of the message" marker) and its Message-IDs.

Nothing here decides what the mail is; classify and bounces do that from this value.
"""

import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import cached_property

from outreach.inbound.parse import (
    addresses,
    attached_original,
    header,
    message_ids,
    notification_text,
    parse,
    parse_headers,
    sender_address,
)

# Text read from a mail at most: diagnostics sit at the top, the rest is the copy of our own mail.
MAX_TEXT = 256 * 1024
# Recipients read from one report at most; a report claiming more is cut there (and says so).
MAX_RECIPIENTS = 500

# RFC 3464 section 2.2 (per-message) and 2.3 (per-recipient) field names, plus the X- extensions of
# Postfix, Sendmail and Exchange that sit in the same blocks.
PER_MESSAGE_FIELDS = {"reporting-mta", "dsn-gateway", "received-from-mta", "arrival-date", "original-envelope-id"}
RECIPIENT_FIELDS = {"final-recipient", "original-recipient", "x-actual-recipient"}
PER_RECIPIENT_FIELDS = RECIPIENT_FIELDS | {
    "action", "status", "remote-mta", "diagnostic-code", "last-attempt-date", "will-retry-until",
    "final-log-id", "x-display-name", "x-supplementary-info",
}
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]{1,40})[ \t]*:[ \t]*(.*)$")
# Where a text bounce's copy of the original begins (Exim, qmail, Yahoo, OpenSMTPD, Postfix, DragonFly,
# Sendmail, Domino); what follows is our own mail, not the report.
ORIGINAL_MARKERS = re.compile(
    r"^[ \t>]*(?:-+ ?This is a copy of (?:the|your) message|-+ ?Below this line is a copy of the message"
    r"|-+ ?Original message follows|-+ ?Original message -+|Below is a copy of the original message"
    r"|Message headers follow|-+ ?The header of the original message is following|-+ ?Original Message Header"
    r"|Original mail as follows|-+ ?Returned message -+|-+ ?Unsent message below|-+ ?Undelivered message"
    r"|The attachment contains the original mail headers|-+ Header of the original message)",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_BLOCK_START = re.compile(r"^(Return-Path|Received|From|Message-I[dD]|Date|Subject|To):", re.MULTILINE)


def field_blocks(text: str, *, known_only: bool = False) -> tuple[dict, list[dict]]:
    """RFC 3464 fields in text -> (per-message fields, [per-recipient fields]), names lower-cased.

    Tolerant of what real MTAs write: recipient fields in the first block (AOL, McAfee), no blank
    line between recipients, no Action field. A recipient block ends at a blank line once it has a
    recipient, or where the next recipient's field begins. known_only: only RFC 3464 names count
    (for report fields found in prose, where "Subject:" is not one of them).
    """
    per_message: dict[str, str] = {}
    recipients: list[dict] = []
    current: dict[str, str] = {}
    last = None

    def flush():
        nonlocal current
        if current.keys() & RECIPIENT_FIELDS and len(recipients) < MAX_RECIPIENTS:
            recipients.append(current)
        current = {}

    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current.keys() & RECIPIENT_FIELDS:
                flush()
            last = None
            continue
        if line[0] in " \t" and last is not None:  # a folded continuation line
            target = per_message if last in per_message and last not in current else current
            target[last] = f"{target.get(last, '')} {line.strip()}".strip()
            continue
        found = _FIELD.match(line)
        if not found:
            last = None
            continue
        name, value = found.group(1).lower(), found.group(2).strip()
        if known_only and name not in PER_MESSAGE_FIELDS and name not in PER_RECIPIENT_FIELDS:
            last = None
            continue
        if name in PER_MESSAGE_FIELDS:
            per_message.setdefault(name, value)
            last = name
            continue
        if name in RECIPIENT_FIELDS and name in current:
            flush()
        current[name] = value
        last = name
    flush()
    return per_message, recipients


def _raw_text(part) -> str:
    """The body of a part as text, whatever its structure: for a multipart the parser could not split."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return "\n".join(_raw_text(sub) for sub in payload)
    if isinstance(payload, str):
        try:
            data = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001 - broken transfer encoding: the text as it came
            data = None
        if isinstance(data, bytes):
            return data.decode(part.get_content_charset() or "utf-8", "replace") if _charset_ok(part) else \
                data.decode("utf-8", "replace")
        return payload
    return ""


def _charset_ok(part) -> bool:
    try:
        "".encode(part.get_content_charset() or "utf-8")
        return True
    except (LookupError, TypeError):
        return False


def _delivery_status_text(part) -> str:
    """A message/delivery-status part back as text: the stdlib splits it into header blocks (or leaves
    it a string when it could not)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = []
        for block in payload:
            try:
                blocks.append("\n".join(f"{name}: {' '.join(str(value).split())}" for name, value in block.items()))
            except Exception:  # noqa: BLE001 - a malformed field value: skip the block
                continue
        return "\n\n".join(blocks)
    return _raw_text(part)


@dataclass
class InboundMail:
    """The parsed mail. Build it with read_mail(raw)."""

    message: EmailMessage
    size: int = 0
    notes: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        return header(self.message, name)

    def addresses(self, name: str) -> list[str]:
        return addresses(self.message, name)

    @cached_property
    def sender(self) -> str:
        return sender_address(self.message)

    @cached_property
    def subject(self) -> str:
        return self.header("Subject")

    @cached_property
    def content_type(self) -> str:
        return self.message.get_content_type()

    @cached_property
    def parts(self) -> list:
        """Every part of the mail, the attached original's included, in order (walk() once)."""
        try:
            return list(self.message.walk())
        except Exception:  # noqa: BLE001
            return [self.message]

    @cached_property
    def structure_broken(self) -> bool:
        """A multipart whose parts the parser could not find (boundary mismatch, unfolded header)."""
        return any(part.is_multipart() and not part.get_payload() for part in self.parts) or (
            self.message.is_multipart() and len(self.parts) == 1)

    @cached_property
    def text(self) -> str:
        """The mail's own human-readable text, capped."""
        try:
            text = notification_text(self.message)
        except Exception:  # noqa: BLE001 - a part that cannot be decoded at all
            text = ""
        if not text.strip() or self.structure_broken:
            text = (text + "\n" + _raw_text(self.message)).strip()
        return text[:MAX_TEXT]

    @cached_property
    def report_text(self) -> str:
        """The text before the copy of the original: where a prose bounce says what failed."""
        found = ORIGINAL_MARKERS.search(self.text)
        return self.text[:found.start()] if found else self.text

    @cached_property
    def delivery_status(self) -> tuple[dict, list[dict], str]:
        """(per-message fields, per-recipient fields, where they were found): from the
        message/delivery-status parts, else from report fields in the text; ({}, [], "") when none."""
        parts = [p for p in self.parts if p.get_content_type() in ("message/delivery-status",
                                                                    "message/global-delivery-status")]
        if parts:
            per_message, recipients = {}, []
            for part in parts:
                found_message, found_recipients = field_blocks(_delivery_status_text(part)[:MAX_TEXT])
                per_message = per_message or found_message
                recipients += found_recipients
            if recipients:
                return per_message, recipients[:MAX_RECIPIENTS], "delivery-status part"
        per_message, recipients = field_blocks(self.text, known_only=True)
        if recipients:
            return per_message, recipients, "report fields in the text"
        return {}, [], "delivery-status part (no recipients)" if parts else ""

    @cached_property
    def has_delivery_status_part(self) -> bool:
        return any(p.get_content_type() in ("message/delivery-status", "message/global-delivery-status")
                   for p in self.parts)

    @cached_property
    def feedback_report(self) -> dict | None:
        """The fields of an ARF message/feedback-report part (names lower-cased), None when there is none."""
        for part in self.parts:
            if part.get_content_type() == "message/feedback-report":
                text = _delivery_status_text(part)
                fields = {}
                for line in text.splitlines():
                    found = _FIELD.match(line)
                    if found:
                        fields.setdefault(found.group(1).lower(), found.group(2).strip())
                return fields
        return None

    @cached_property
    def attached_original(self) -> EmailMessage | None:
        """The returned original's headers from a message/rfc822 or text/rfc822-headers part."""
        try:
            attached = attached_original(self.message)
        except Exception:  # noqa: BLE001
            attached = None
        return attached if attached is not None and len(attached.keys()) else None

    @cached_property
    def original(self) -> EmailMessage | None:
        """The headers of the returned original: attached, else pasted after a marker in the text."""
        if self.attached_original is not None:
            return self.attached_original
        found = ORIGINAL_MARKERS.search(self.text)
        rest = self.text[found.end():] if found else ""
        start = _HEADER_BLOCK_START.search(rest)
        if start is None:
            return None
        block = rest[start.start():].split("\n\n", 1)[0]
        block = "\n".join(line[2:] if line.startswith("> ") else line.lstrip(" ") if not line.startswith(("\t", "    ")) else line
                          for line in block.splitlines())
        parsed = parse_headers(block[:64 * 1024])
        return parsed if len(parsed.keys()) else None

    @cached_property
    def original_message_ids(self) -> list[str]:
        """Message-IDs of the returned original: its header, then any quoted in the text."""
        found = message_ids(header(self.original, "Message-ID")) if self.original is not None else []
        inline = re.findall(r"^[ \t>]*Message-I[dD]:\s*<([^<>\s]+@[^<>\s]+)>", self.text, re.MULTILINE | re.IGNORECASE)
        return list(dict.fromkeys(found + inline))

    @cached_property
    def original_recipients(self) -> list[str]:
        if self.original is None:
            return []
        return list(dict.fromkeys(addresses(self.original, "To") + addresses(self.original, "Cc")))

    @cached_property
    def original_senders(self) -> set[str]:
        if self.original is None:
            return set()
        return {a for name in ("From", "Sender", "Return-Path", "Reply-To") for a in addresses(self.original, name)}


def read_mail(raw: bytes) -> InboundMail:
    """Parse once. Never raises for what a stranger can send (the parser records defects instead)."""
    try:
        message = parse(raw)
    except Exception:  # noqa: BLE001 - e.g. a header the policy cannot even split: an empty mail
        message = EmailMessage()
    return InboundMail(message=message, size=len(raw))
