"""Reading the local outbox (outreach.delivery.outbox) for the admin: what would have gone out, as sent.

The outbox is a directory of .eml files, one folder per mailing (test sends and
other mail in "other"). Names come from the URL, so they are checked against the
exact shapes OutboxBackend writes before any path is built: nothing outside the
outbox can be named.
"""

import os
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from outreach.delivery.outbox import outbox_dir

FOLDER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NAME = re.compile(r"^[0-9a-f]{32}\.eml$")
_HEADER_BYTES = 16 * 1024  # enough for the headers of anything we write; the listing never reads bodies


@dataclass(frozen=True)
class OutboxEntry:
    folder: str
    name: str
    modified: float
    size: int
    subject: str = ""
    to: str = ""
    sender: str = ""
    date: str = ""


@dataclass
class OutboxMessage:
    entry: OutboxEntry
    headers: list[tuple[str, str]]
    text: str = ""
    html: str = ""
    attachments: list[dict] = field(default_factory=list)  # {"index", "filename", "content_type", "size"}


def _path(folder: str, name: str) -> Path | None:
    if not (FOLDER.match(folder or "") and NAME.match(name or "")):
        return None
    path = outbox_dir() / folder / name
    return path if path.is_file() else None


def outbox_message_url(*, folder: str, name: str) -> str:
    """The admin's page for one message in the local outbox, or "" if it is not there (another backend sent it)."""
    from django.urls import reverse

    if _path(folder, name) is None:
        return ""
    return reverse("outreach_outbox:message", args=[folder, name])


def outbox_sent_at(entry: OutboxEntry):
    """The message's Date header as an aware datetime (shown in local time), or None if it has none."""
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(entry.date) if entry.date else None
    except (TypeError, ValueError):
        return None


def _header_values(raw: bytes) -> dict[str, str]:
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    return {name: str(message.get(name, "")) for name in ("Subject", "To", "From", "Date")}


def outbox_folders() -> list[str]:
    root = outbox_dir()
    if not root.is_dir():
        return []
    return sorted((entry.name for entry in os.scandir(root) if entry.is_dir() and FOLDER.match(entry.name)),
                  key=lambda name: (not name.isdigit(), -int(name) if name.isdigit() else 0, name))


def outbox_entries(*, folder: str | None = None, offset: int = 0, limit: int = 50) -> tuple[list[OutboxEntry], int]:
    """The newest first, with headers for the page asked for only. (entries, total)."""
    folders = [folder] if folder else outbox_folders()
    found = []
    for name in folders:
        if not FOLDER.match(name or ""):
            continue
        directory = outbox_dir() / name
        if not directory.is_dir():
            continue
        for entry in os.scandir(directory):
            if NAME.match(entry.name):
                stat = entry.stat()
                found.append((stat.st_mtime, name, entry.name, stat.st_size))
    found.sort(reverse=True)
    page = []
    for modified, folder_name, name, size in found[offset:offset + limit]:
        try:
            with open(outbox_dir() / folder_name / name, "rb") as handle:
                values = _header_values(handle.read(_HEADER_BYTES))
        except OSError:
            continue  # removed since the listing
        page.append(OutboxEntry(folder=folder_name, name=name, modified=modified, size=size,
                                subject=values["Subject"], to=values["To"], sender=values["From"],
                                date=values["Date"]))
    return page, len(found)


def _parsed(path: Path) -> EmailMessage:
    with open(path, "rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def outbox_message(*, folder: str, name: str) -> OutboxMessage | None:
    """One message, parsed: its headers, text and HTML bodies and attachments. None if there is no such file."""
    path = _path(folder, name)
    if path is None:
        return None
    message = _parsed(path)
    stat = path.stat()
    entry = OutboxEntry(folder=folder, name=name, modified=stat.st_mtime, size=stat.st_size,
                        subject=str(message.get("Subject", "")), to=str(message.get("To", "")),
                        sender=str(message.get("From", "")), date=str(message.get("Date", "")))
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    attachments = [
        {"index": index, "filename": part.get_filename() or f"attachment-{index + 1}",
         "content_type": part.get_content_type(), "size": len(part.get_payload(decode=True) or b"")}
        for index, part in enumerate(message.iter_attachments())
    ]
    return OutboxMessage(
        entry=entry, headers=[(key, str(value)) for key, value in message.items()],
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else "",
        attachments=attachments,
    )


def outbox_raw(*, folder: str, name: str) -> bytes | None:
    path = _path(folder, name)
    return path.read_bytes() if path is not None else None


def outbox_attachment(*, folder: str, name: str, index: int) -> tuple[str, str, bytes] | None:
    """(filename, content type, bytes) of the index-th attachment, or None."""
    path = _path(folder, name)
    if path is None or index < 0:
        return None
    for number, part in enumerate(_parsed(path).iter_attachments()):
        if number == index:
            return (part.get_filename() or f"attachment-{index + 1}", part.get_content_type(),
                    part.get_payload(decode=True) or b"")
    return None
