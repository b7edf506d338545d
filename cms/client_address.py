"""The client's address as this server can know it, for everything that keys on it."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXY the address that proxy saw.

    That is the last X-Forwarded-For entry, the one our proxy appended; earlier entries
    are the client's to write, and would let it pick any address it likes (a fresh one
    per login attempt, or Apple's network to hide an open).
    """
    if settings.TRUSTED_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
