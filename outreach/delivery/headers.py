"""Per-message addresses and headers, all derived from the message's token.

The token is what a bounce (VERP), a reply or an unsubscribe click carries back,
so it is all the later processing needs to find the message and through it the
contact and the mailing. It is visible in the Message-ID, Return-Path and
Reply-To, which a forwarded mail exposes, so nothing acts on the token alone:
the unsubscribe URL is signed, and the unsubscribe mail address carries no token
but the message's number and a signature of its own (unsubscribe_mailto).
"""

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from outreach.tracking.tokens import mailto_signature

_UNSUBSCRIBE_SALT = "dialogdesk.outreach.unsubscribe"


def mail_domain() -> str:
    return getattr(settings, "MAIL_DOMAIN", "localhost")


def unsubscribe_signature(token: str, *, secret: str | None = None) -> str:
    # HMAC with SECRET_KEY: a token alone (it travels in addresses and can be
    # guessed from a forwarded mail's headers) must not unsubscribe anyone by URL.
    return salted_hmac(_UNSUBSCRIBE_SALT, token, secret=secret, algorithm="sha256").hexdigest()[:32]


def unsubscribe_signature_valid(token: str, signature: str) -> bool:
    # Links in mail already sent must keep working after a key rotation.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(unsubscribe_signature(token, secret=secret), signature) for secret in secrets)


def unsubscribe_url(token: str) -> str:
    """The one-click URL (RFC 8058). The endpoint behind /o/u/ answers GET with a page and POST without one."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return f"{base}/o/u/{token}/{unsubscribe_signature(token)}/"


def unsubscribe_mailto(token: str, *, message_pk: int | None) -> str:
    """unsubscribe+<number>-<signature>@MAIL_DOMAIN; outreach.inbound.match reads it back. A message not
    stored (a test send) gets number 0, which names no message."""
    number = message_pk or 0
    return f"unsubscribe+{number}-{mailto_signature(number, token)}@{mail_domain()}"


def bounce_address(token: str) -> str:
    """VERP envelope sender: a bounce names the message without parsing the DSN's body."""
    return f"bounces+{token}@{mail_domain()}"


def reply_address(token: str) -> str:
    return f"reply+{token}@{mail_domain()}"


def message_id(token: str) -> str:
    return f"<{token}@{mail_domain()}>"


def list_unsubscribe_headers(token: str, *, message_pk: int | None) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(token)}>, <mailto:{unsubscribe_mailto(token, message_pk=message_pk)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
