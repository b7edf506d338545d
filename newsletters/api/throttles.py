"""Rate limits of the public newsletter endpoints, held in the shared cache (DRF's SimpleRateThrottle).

DRF answers a refusal with 429 and Retry-After. The server-rendered form
calls the same classes (signup_throttle_wait), so both doors share one count.
The address limit keys on a hash of the address: no address is written to the cache.
"""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from cms.client_address import client_address


class _SettingRateThrottle(SimpleRateThrottle):
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting)


class SignupAddressRateThrottle(_SettingRateThrottle):
    scope = "newsletter-signup-address"
    setting = "NEWSLETTER_SIGNUP_RATE_ADDRESS"

    def get_cache_key(self, request, view):
        data = getattr(request, "data", None)
        if data is None or not hasattr(data, "get"):
            data = request.POST
        email = data.get("email") if hasattr(data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None  # nothing to count: the sign-up is refused as invalid anyway
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class SignupIPRateThrottle(_SettingRateThrottle):
    scope = "newsletter-signup-ip"
    setting = "NEWSLETTER_SIGNUP_RATE_IP"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class LinkIPRateThrottle(_SettingRateThrottle):
    """Confirmation and preference links: tokens cannot be guessed, but each request costs a lookup."""

    scope = "newsletter-link-ip"
    setting = "NEWSLETTER_LINK_RATE_IP"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


SIGNUP_THROTTLES = (SignupIPRateThrottle, SignupAddressRateThrottle)


def throttle_wait(request, throttle_classes) -> int | None:
    """For views outside DRF: None when allowed, else the seconds to wait (every throttle is counted)."""
    waits = []
    for throttle_class in throttle_classes:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 1)
    return int(max(waits)) + 1 if waits else None
