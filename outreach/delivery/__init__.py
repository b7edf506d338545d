"""Handing finished messages to whoever carries them: a local outbox, an SMTP relay, Amazon SES.

delivery_backend() picks one from settings.MAIL_BACKEND. Every backend takes
(envelope sender, one recipient, the message as bytes) and returns the id the
carrier gave it, or raises TransientDeliveryError / PermanentDeliveryError.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from outreach.delivery.base import DeliveryBackend, PermanentDeliveryError, TransientDeliveryError

__all__ = ["DeliveryBackend", "PermanentDeliveryError", "TransientDeliveryError", "delivery_backend"]


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
