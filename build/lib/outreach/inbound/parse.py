"""Raw bytes to an EmailMessage, and the few read helpers the other inbound modules share."""

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

_MESSAGE_ID = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


def parse(raw: bytes) -> EmailMessage:
    """policy.default: decoded headers and get_body()/get_content(); the parser never raises on bad input,
    it records defects and carries on, which is what a pipe fed by strangers needs."""
    return BytesParser(policy=policy.default).parsebytes(raw)


def parse_headers(text: str) -> EmailMessage:
    """A text/rfc822-headers part (or a copy of headers pasted into a text bounce) as a header-only message."""
    return BytesParser(policy=policy.default).parsebytes(text.strip().encode("utf-8", "replace") + b"\n\n",
                                                         headersonly=True)


def header(message, name: str) -> str:
    """One header as a plain, unfolded string; "" when missing or unreadable."""
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header is a stranger's mistake, not ours to crash on
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def addresses(message, name: str) -> list[str]:
    """Every address in all headers of that name, lower-cased."""
    try:
        values = [str(value) for value in message.get_all(name, [])]
    except Exception:  # noqa: BLE001
        return []
    return [address.lower() for _display, address in getaddresses(values) if "@" in address]


def sender_address(message) -> str:
    return parseaddr(header(message, "From"))[1].lower()


def message_ids(value: str) -> list[str]:
    """The <id@host> tokens of a Message-ID, In-Reply-To or References header, in order."""
    return _MESSAGE_ID.findall(value or "")


def own_parts(message):
    """The leaf parts of the mail itself, not of a message attached to it (a DSN's copy of the original)."""
    if message.is_multipart():
        if message.get_content_maintype() == "message":
            return
        for part in message.iter_parts():
            yield from own_parts(part)
    else:
        yield message


def part_text(part) -> str:
    try:
        content = part.get_content()
    except Exception:  # noqa: BLE001 - unknown charset or broken transfer encoding: take what decodes
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace")
    return content if isinstance(content, str) else ""


def notification_text(message) -> str:
    """The human-readable text of a mail (text/plain parts, else text/html stripped), not its attachments."""
    parts = [part for part in own_parts(message) if part.get_content_type() == "text/plain"]
    if parts:
        return "\n".join(part_text(part) for part in parts)
    from outreach.inbound.replies import html_to_text

    return "\n".join(html_to_text(part_text(part)) for part in own_parts(message)
                     if part.get_content_type() == "text/html")


def attached_original(message):
    """The headers of the mail a DSN or ARF report is about: its message/rfc822 part, else its
    text/rfc822-headers part; None when neither is there."""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822" and part.is_multipart():
            return part.get_payload()[0]
        if content_type == "text/rfc822-headers":
            return parse_headers(part_text(part))
    return None
