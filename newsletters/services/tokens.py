"""Signed tokens for the links that act for a subscriber.

Each kind has its own salt, so a token of one kind (a preference link) is
never accepted as another (a confirmation). A confirmation token carries the
subscription's current nonce, which confirming or a newer sign-up replaces:
it works once, and an older mail's link stops working. A preference token
carries the subscription's preference key and never expires; a new key
revokes every link sent before (subscription_links_revoke).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "dialogdesk.newsletters.confirm"
ADDRESS_SALT = "dialogdesk.newsletters.address"
PREFERENCES_SALT = "dialogdesk.newsletters.preferences"


class TokenInvalid(Exception):
    """Tampered with, of another kind, or not ours."""


class TokenExpired(TokenInvalid):
    """Signed by us, but older than NEWSLETTER_CONFIRMATION_MAX_AGE."""


@dataclass(frozen=True)
class ConfirmationClaim:
    subscription_id: int
    nonce: str
    new_email: str = ""  # set for the confirmation of an address change


def confirmation_max_age() -> int:
    return int(getattr(settings, "NEWSLETTER_CONFIRMATION_MAX_AGE", 3 * 24 * 3600))


def confirmation_token_make(*, subscription_id: int, nonce: str, new_email: str = "") -> str:
    if new_email:
        return signing.dumps({"s": subscription_id, "n": nonce, "a": new_email}, salt=ADDRESS_SALT, compress=True)
    return signing.dumps({"s": subscription_id, "n": nonce}, salt=CONFIRM_SALT)


def confirmation_token_read(token: str, *, address_change: bool = False) -> ConfirmationClaim:
    """The claim in a confirmation token, or TokenExpired / TokenInvalid."""
    salt = ADDRESS_SALT if address_change else CONFIRM_SALT
    try:
        payload = signing.loads((token or "")[:1000], salt=salt, max_age=confirmation_max_age())
    except signing.SignatureExpired as exc:
        raise TokenExpired(str(exc)) from exc
    except signing.BadSignature as exc:
        raise TokenInvalid(str(exc)) from exc
    try:
        claim = ConfirmationClaim(subscription_id=int(payload["s"]), nonce=str(payload["n"]),
                                  new_email=str(payload.get("a", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid("malformed payload") from exc
    if address_change != bool(claim.new_email):
        raise TokenInvalid("wrong kind of confirmation")
    return claim


def preference_token_make(*, subscription_id: int, preference_key: str) -> str:
    return signing.dumps({"s": subscription_id, "k": preference_key}, salt=PREFERENCES_SALT)


def preference_token_read(token: str) -> tuple[int, str]:
    """(subscription id, preference key), or TokenInvalid. Never expires: revoked by a new key instead."""
    try:
        payload = signing.loads((token or "")[:1000], salt=PREFERENCES_SALT)
        return int(payload["s"]), str(payload["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid(str(exc)) from exc
