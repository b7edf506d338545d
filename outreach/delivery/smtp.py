"""Delivery through an SMTP relay (Postfix, a provider's submission port), one connection per batch.

Settings: MAIL_SMTP_HOST, MAIL_SMTP_PORT, MAIL_SMTP_USER, MAIL_SMTP_PASSWORD,
MAIL_SMTP_STARTTLS, MAIL_SMTP_TIMEOUT; DKIM signing when MAIL_DKIM_PRIVATE_KEY,
MAIL_DKIM_SELECTOR and MAIL_DKIM_DOMAIN are all set.
"""

import smtplib
import ssl

import dkim
from django.conf import settings

from outreach.delivery.base import PermanentDeliveryError, TransientDeliveryError

# Signed headers: those a forwarder or list manager must not be able to change
# without breaking the signature, and that mailbox providers look at.
DKIM_HEADERS = [
    b"from", b"to", b"subject", b"date", b"message-id", b"reply-to", b"mime-version", b"content-type",
    b"list-unsubscribe", b"list-unsubscribe-post",
]


def dkim_sign(message_bytes: bytes) -> bytes:
    """message_bytes with a DKIM-Signature header in front, or unchanged when DKIM is not configured."""
    key = getattr(settings, "MAIL_DKIM_PRIVATE_KEY", "")
    selector = getattr(settings, "MAIL_DKIM_SELECTOR", "")
    domain = getattr(settings, "MAIL_DKIM_DOMAIN", "")
    if not (key and selector and domain):
        return message_bytes
    signature = dkim.sign(
        message_bytes, selector.encode(), domain.encode(), key.encode() if isinstance(key, str) else key,
        include_headers=DKIM_HEADERS,
    )
    return signature + message_bytes


def _error(code: int, reply: bytes | str, what: str, *, recipient: bool = False):
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    message = f"{what}: {code} {text}"
    if 400 <= code < 500:
        return TransientDeliveryError(message, code=code)
    return PermanentDeliveryError(message, code=code, is_bounce=recipient)


class SMTPBackend:
    def __init__(self):
        self.connection: smtplib.SMTP | None = None

    def open(self) -> None:
        host = getattr(settings, "MAIL_SMTP_HOST", "127.0.0.1")
        port = int(getattr(settings, "MAIL_SMTP_PORT", 25))
        timeout = float(getattr(settings, "MAIL_SMTP_TIMEOUT", 30))
        try:
            self.connection = smtplib.SMTP(host, port, timeout=timeout)
            self.connection.ehlo()
            if getattr(settings, "MAIL_SMTP_STARTTLS", False):
                self.connection.starttls(context=ssl.create_default_context())
                self.connection.ehlo()
            user = getattr(settings, "MAIL_SMTP_USER", "")
            if user:
                self.connection.login(user, getattr(settings, "MAIL_SMTP_PASSWORD", ""))
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            # Wrong credentials fix themselves no sooner than someone edits the settings;
            # retrying would only lock the account.
            raise PermanentDeliveryError(f"SMTP login refused: {exc.smtp_code} {exc.smtp_error!r}",
                                         code=exc.smtp_code, connection_lost=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TransientDeliveryError(f"cannot connect to {host}:{port}: {exc}", connection_lost=True) from exc

    def send(self, envelope_from: str, recipient: str, message_bytes: bytes) -> str:
        """One transaction (MAIL, RCPT, DATA); returns the relay's answer to DATA ("Ok: queued as ...")."""
        if self.connection is None:
            raise TransientDeliveryError("not connected", connection_lost=True)
        message_bytes = dkim_sign(message_bytes)
        connection = self.connection
        try:
            code, reply = connection.mail(envelope_from)
            if code != 250:
                raise _error(code, reply, "MAIL FROM refused")
            code, reply = connection.rcpt(recipient)
            if code not in (250, 251):
                raise _error(code, reply, "recipient refused", recipient=True)
            code, reply = connection.data(message_bytes)
            if code != 250:
                raise _error(code, reply, "message refused")
        except (TransientDeliveryError, PermanentDeliveryError):
            self._reset()
            raise
        except smtplib.SMTPResponseException as exc:
            # 421 and the like: the server is closing the connection on us.
            self._reset()
            raise TransientDeliveryError(f"{exc.smtp_code} {exc.smtp_error!r}", code=exc.smtp_code,
                                         connection_lost=exc.smtp_code == 421) from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.close()
            raise TransientDeliveryError(f"connection lost: {exc}", connection_lost=True) from exc
        return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)

    def _reset(self) -> None:
        # A refused transaction leaves the session usable after RSET; if even that fails, it is gone.
        try:
            self.connection.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            self.connection.close()
        self.connection = None
