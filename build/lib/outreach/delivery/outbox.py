"""The embedded default: every message becomes an .eml file that staff can open in a mail client.

Files go to MAIL_OUTBOX_DIR (default DIALOGDESK_VAR_DIR/outbox) /<folder>/,
where the folder is the mailing's id. A Return-Path line in front records the
envelope sender, as a receiving mail server would.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings

from outreach.delivery.base import TransientDeliveryError


def outbox_dir() -> Path:
    configured = getattr(settings, "MAIL_OUTBOX_DIR", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "outbox"


class OutboxBackend:
    def __init__(self, *, folder: str = ""):
        self.directory = outbox_dir() / (folder or "other")

    def open(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TransientDeliveryError(f"cannot create {self.directory}: {exc}", connection_lost=True) from exc

    def send(self, envelope_from: str, recipient: str, message_bytes: bytes) -> str:
        name = f"{uuid.uuid4().hex}.eml"
        final = self.directory / name
        partial = self.directory / f".{name}.part"
        try:
            with open(partial, "wb") as handle:
                handle.write(f"Return-Path: <{envelope_from}>\r\nDelivered-To: {recipient}\r\n".encode())
                handle.write(message_bytes)
            # A reader of the folder never sees half a file.
            os.replace(partial, final)
        except OSError as exc:
            raise TransientDeliveryError(f"cannot write {final}: {exc}") from exc
        return name

    def close(self) -> None:
        pass
