"""Handing finished messages to whoever carries them: a local outbox, an SMTP relay, Amazon SES.

delivery_backend() picks one from settings.MAIL_BACKEND. Every backend takes
(envelope sender, one recipient, the message as bytes) and returns the id the
carrier gave it, or raises TransientDeliveryError / PermanentDeliveryError.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from outreach.delivery.base import DeliveryBackend, PermanentDeliveryError, TransientDeliveryError

__all__ = [
    "DeliveryBackend", "PermanentDeliveryError", "TransientDeliveryError", "delivery_backend",
    "delivery_backend_factory", "delivery_connections",
]

DEFAULT_CONNECTIONS = 8


def delivery_connections(backend_name: str | None = None) -> int:
    """How many connections (lanes) one batch uses: MAIL_SMTP_CONNECTIONS / MAIL_SES_CONNECTIONS.
    The outbox writes files; one lane is all it needs."""
    name = backend_name or getattr(settings, "MAIL_BACKEND", "outbox")
    if name == "smtp":
        return max(1, int(getattr(settings, "MAIL_SMTP_CONNECTIONS", DEFAULT_CONNECTIONS)))
    if name == "ses":
        return max(1, int(getattr(settings, "MAIL_SES_CONNECTIONS", DEFAULT_CONNECTIONS)))
    return 1


def delivery_backend_factory(*, folder: str = "", count: int = 1):
    """A function making one new, unopened backend per lane; SES lanes share one client."""
    if getattr(settings, "MAIL_BACKEND", "outbox") == "ses":
        from outreach.delivery.ses import SESBackend, SharedClient

        shared = SharedClient(pool_size=count)
        return lambda: SESBackend(shared=shared)
    return lambda: delivery_backend(folder=folder)


def delivery_backend(*, folder: str = "") -> DeliveryBackend:
    """A new, unopened backend. folder names where the outbox files this batch (the mailing id)."""
    name = getattr(settings, "MAIL_BACKEND", "outbox")
    if name == "outbox":
        from outreach.delivery.outbox import OutboxBackend

        return OutboxBackend(folder=folder)
    if name == "smtp":
        from outreach.delivery.smtp import SMTPBackend

        return SMTPBackend()
    if name == "ses":
        from outreach.delivery.ses import SESBackend

        return SESBackend()
    raise ImproperlyConfigured(f"MAIL_BACKEND must be 'outbox', 'smtp' or 'ses', not {name!r}.")
