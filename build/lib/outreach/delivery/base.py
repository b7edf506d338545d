"""The contract between the sending service and a carrier of mail."""

from typing import Protocol


class DeliveryError(Exception):
    """The carrier did not take the message. code is the SMTP reply code when there was one."""

    def __init__(self, message: str, *, code: int | None = None, connection_lost: bool = False,
                 is_bounce: bool = False):
        super().__init__(message)
        self.code = code
        # The receiving side refused the address itself (5xx at RCPT): a hard bounce, not our failure.
        self.is_bounce = is_bounce
        # The connection is gone: nothing more can be sent over it in this batch.
        self.connection_lost = connection_lost


class TransientDeliveryError(DeliveryError):
    """Try again later (4xx, greylisting, connection refused or dropped, throttling)."""


class PermanentDeliveryError(DeliveryError):
    """Never try this message again (5xx: no such user, rejected as spam, ...)."""


class DeliveryBackend(Protocol):
    def open(self) -> None:
        """Connect; one connection serves a whole batch."""

    def send(self, envelope_from: str, recipient: str, message_bytes: bytes) -> str:
        """Hand over one message; return the carrier's id for it."""

    def close(self) -> None:
        """Disconnect. Safe to call when open() failed or was never called."""
