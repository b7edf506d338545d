"""A self-hosted proof-of-work challenge against scripted sign-ups (ALTCHA): no third party, no cookie.

Off by default (NEWSLETTER_ALTCHA). When on, every sign-up, through the JSON API or the fallback form,
must carry a solved challenge: the browser spends a moment of CPU finding a number whose hash matches,
which costs a person nothing noticeable and a flood of scripted sign-ups a great deal. The challenge is
HMAC-signed with ALTCHA_HMAC_KEY and expires; a solved one is accepted once.

The altcha package creates and checks the challenges. Its Django field keeps a solved challenge with
cache.get() then cache.set(), so two requests racing with the same solution could both pass; cache.add()
below is atomic on Redis and the other shared caches, so exactly one of them does.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import json

import altcha
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

PAYLOAD_MAX_LENGTH = 4000
_USED_KEY = "newsletters:altcha-used:{}"


def challenge_required() -> bool:
    return settings.NEWSLETTER_ALTCHA


def _hmac_key() -> str:
    # Derived from SECRET_KEY unless given, so that switching the challenge on needs no second secret.
    return settings.ALTCHA_HMAC_KEY or hmac.new(
        settings.SECRET_KEY.encode(), b"dialogdesk.newsletters.altcha", hashlib.sha256).hexdigest()


def challenge_create() -> dict:
    """A fresh challenge for the widget: algorithm, challenge, maxnumber, salt and signature."""
    challenge = altcha.create_challenge(altcha.ChallengeOptions(
        hmac_key=_hmac_key(), max_number=settings.NEWSLETTER_ALTCHA_MAX_NUMBER,
        expires=timezone.now() + datetime.timedelta(seconds=settings.NEWSLETTER_ALTCHA_EXPIRES),
    ))
    return {"algorithm": challenge.algorithm, "challenge": challenge.challenge, "maxnumber": challenge.max_number,
            "salt": challenge.salt, "signature": challenge.signature}


def challenge_verify(payload: str) -> None:
    """Accept a solved challenge once. Raises ValidationError with one message a person can act on."""
    failed = ValidationError(_("The check against automated sign-ups did not succeed. Please reload the page "
                               "and try again."), code="altcha")
    if not payload or len(payload) > PAYLOAD_MAX_LENGTH:
        raise failed
    try:
        challenge = json.loads(base64.b64decode(payload, validate=True))["challenge"]
        verified, _error = altcha.verify_solution(payload, _hmac_key(), check_expires=True)
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
        raise failed from None
    if not verified or not isinstance(challenge, str):
        raise failed
    if not cache.add(_USED_KEY.format(challenge), True, timeout=settings.NEWSLETTER_ALTCHA_EXPIRES):
        raise failed  # solved once already: a replay
