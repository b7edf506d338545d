"""Delivery through an SMTP relay (Postfix, a provider's submission port): one connection per lane.

Settings: MAIL_SMTP_HOST, MAIL_SMTP_PORT, MAIL_SMTP_USER, MAIL_SMTP_PASSWORD,
MAIL_SMTP_STARTTLS, MAIL_SMTP_TIMEOUT, MAIL_SMTP_CONNECTIONS (lanes per batch,
outreach.delivery.lanes), MAIL_SMTP_8BITMIME (default on: send 8bit bodies to a
relay that offers 8BITMIME); DKIM signing when MAIL_DKIM_PRIVATE_KEY,
MAIL_DKIM_SELECTOR and MAIL_DKIM_DOMAIN are all set.

The transaction is written here rather than through smtplib's sendmail()/data():
data() runs two regular expressions over every message (line ends, dot-stuffing)
although the messages composed here always end lines in CRLF, so a bytes.replace
does the dot-stuffing. With PIPELINING (RFC 2920) offered, MAIL, RCPT and DATA go
out in one write and their replies are read together: one round trip fewer per
message to a remote relay. smtplib keeps the connection, EHLO, STARTTLS, AUTH and
reply parsing.
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
        # 421: the relay closes the connection (too many connections, shutting down).
        return TransientDeliveryError(message, code=code, connection_lost=code == 421)
    return PermanentDeliveryError(message, code=code, is_bounce=recipient)


def data_bytes(message_bytes: bytes) -> bytes | None:
    """The DATA payload with its terminating ".", dot-stuffed; None when the message has a bare CR or LF
    (then smtplib's own quoting is needed). Counting is done in C, three passes over the bytes."""
    crlf = message_bytes.count(b"\r\n")
    if message_bytes.count(b"\n") != crlf or message_bytes.count(b"\r") != crlf:
        return None
    stuffed = message_bytes.replace(b"\r\n.", b"\r\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    return stuffed + (b".\r\n" if stuffed.endswith(b"\r\n") else b"\r\n.\r\n")


def _command_safe(*values: str) -> bool:
    # Addresses written into a pipelined command ourselves: ASCII (SMTPUTF8 goes through smtplib), no line breaks.
    return all(value.isascii() and "\r" not in value and "\n" not in value and ">" not in value for value in values)


class SMTPBackend:
    def __init__(self):
        self.connection: smtplib.SMTP | None = None
        self.offers_8bit = False
        self.pipelining = False

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
            self.offers_8bit = (getattr(settings, "MAIL_SMTP_8BITMIME", True)
                                and self.connection.has_extn("8bitmime"))
            self.pipelining = self.connection.has_extn("pipelining")
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
        """One transaction (MAIL, RCPT, DATA); returns the relay's answer to DATA ("Ok: queued as ...").
        A message that is not ASCII goes with BODY=8BITMIME (compose only writes one for such a relay)."""
        if self.connection is None:
            raise TransientDeliveryError("not connected", connection_lost=True)
        message_bytes = dkim_sign(message_bytes)
        eight_bit = not message_bytes.isascii()
        if eight_bit and not self.offers_8bit:
            raise PermanentDeliveryError("an 8bit message for a relay without 8BITMIME")
        try:
            payload = data_bytes(message_bytes)
            if payload is None or not _command_safe(envelope_from, recipient):
                code, reply = self._send_through_smtplib(envelope_from, recipient, message_bytes, eight_bit)
            else:
                code, reply = self._send_ourselves(envelope_from, recipient, payload, eight_bit)
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

    def _send_through_smtplib(self, envelope_from: str, recipient: str, message_bytes: bytes, eight_bit: bool):
        connection = self.connection
        code, reply = connection.mail(envelope_from, ["BODY=8BITMIME"] if eight_bit else [])
        if code != 250:
            raise _error(code, reply, "MAIL FROM refused")
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            raise _error(code, reply, "recipient refused", recipient=True)
        code, reply = connection.data(message_bytes)
        if code != 250:
            raise _error(code, reply, "message refused")
        return code, reply

    def _send_ourselves(self, envelope_from: str, recipient: str, payload: bytes, eight_bit: bool):
        connection = self.connection
        mail = f"MAIL FROM:<{envelope_from}>{' BODY=8BITMIME' if eight_bit else ''}\r\n".encode("ascii")
        rcpt = f"RCPT TO:<{recipient}>\r\n".encode("ascii")
        if self.pipelining:
            connection.send(mail + rcpt + b"DATA\r\n")
            replies = [connection.getreply() for _command in range(3)]
        else:
            replies = []
            for command in (mail, rcpt, b"DATA\r\n"):
                connection.send(command)
                replies.append(connection.getreply())
                if replies[-1][0] not in (250, 251, 354):
                    break
        (mail_code, mail_reply), *rest = replies
        rcpt_code, rcpt_reply = rest[0] if rest else (503, b"not sent")
        data_code, data_reply = rest[1] if len(rest) > 1 else (503, b"not sent")
        if data_code == 354 and (mail_code != 250 or rcpt_code not in (250, 251)):
            # A relay that opened DATA for a refused envelope: end it empty; _reset() follows.
            connection.send(b".\r\n")
            connection.getreply()
        if mail_code != 250:
            raise _error(mail_code, mail_reply, "MAIL FROM refused")
        if rcpt_code not in (250, 251):
            raise _error(rcpt_code, rcpt_reply, "recipient refused", recipient=True)
        if data_code != 354:
            raise _error(data_code, data_reply, "DATA refused")
        connection.send(payload)
        code, reply = connection.getreply()
        if code != 250:
            raise _error(code, reply, "message refused")
        return code, reply

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
