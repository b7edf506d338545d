"""Signed, unguessable URLs for the open pixel and for tracked links, and the signed unsubscribe address.

A message's token is random (120 bits), but it also travels in headers and
addresses (VERP, reply-to, Message-ID) that a forwarded mail exposes. The
HMAC over token (and link index) with SECRET_KEY is what makes a URL valid:
nobody can forge an open, a click or a link index that was not in the mail.
The List-Unsubscribe mailto address carries no token at all, only the message's
number and a signature (outreach.delivery.headers.unsubscribe_mailto).

The keyed HMAC state is built once per process and salt and copied per call,
so signing costs one SHA-256 over a few dozen bytes, not a key derivation:
personalisation signs every link for every recipient.
"""

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings
from django.utils.crypto import constant_time_compare

_OPEN_SALT = "dialogdesk.outreach.open"
_CLICK_SALT = "dialogdesk.outreach.click"
_MAILTO_SALT = "dialogdesk.outreach.unsubscribe-mailto"
# 96 bits: far beyond online guessing, and short enough to keep the URLs readable.
SIGNATURE_LENGTH = 24


@lru_cache(maxsize=16)
def _keyed(salt: str, secret: str):
    # The same derivation as django.utils.crypto.salted_hmac, done once instead of per call.
    key = hashlib.sha256((salt + secret).encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _sign(salt: str, message: str, secret: str | None = None) -> str:
    state = _keyed(salt, secret if secret is not None else settings.SECRET_KEY).copy()
    state.update(message.encode())
    return state.hexdigest()[:SIGNATURE_LENGTH]


def _valid(salt: str, message: str, signature: str) -> bool:
    # Fallback keys too: links in mails sent before a key rotation keep working.
    for secret in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())):
        if constant_time_compare(_sign(salt, message, secret), signature):
            return True
    return False


def open_signature(token: str) -> str:
    return _sign(_OPEN_SALT, token)


def open_signature_valid(token: str, signature: str) -> bool:
    return _valid(_OPEN_SALT, token, signature)


def click_signature(token: str, index: int) -> str:
    # The colon keeps "token + index" unambiguous (tokens are base32, no colons).
    return _sign(_CLICK_SALT, f"{token}:{index}")


def click_signature_valid(token: str, index: int, signature: str) -> bool:
    return _valid(_CLICK_SALT, f"{token}:{index}", signature)


def mailto_signature(message_pk: int, token: str) -> str:
    # Over the row's number and its token: the number finds the message, the signature proves the
    # address was in its mail. Neither the signature nor the number appears in any other header.
    return _sign(_MAILTO_SALT, f"{message_pk}:{token}")


def mailto_signature_valid(message_pk: int, token: str, signature: str) -> bool:
    return _valid(_MAILTO_SALT, f"{message_pk}:{token}", signature.lower())


def tracking_base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def open_pixel_url(token: str) -> str:
    return f"{tracking_base_url()}/o/o/{token}/{open_signature(token)}.gif"


def click_url(token: str, index: int) -> str:
    return f"{tracking_base_url()}/o/c/{token}/{index}/{click_signature(token, index)}/"
