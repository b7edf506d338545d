"""Where a publish webhook may be sent: not into our own network (server-side request forgery).

An endpoint URL is typed by a superuser, but a mistaken or hostile one would make
the workers POST to whatever they can reach: 127.0.0.1, the cloud's metadata
service at 169.254.169.254, databases and admin consoles on private addresses.
So, unless WEBHOOK_ALLOW_PRIVATE_TARGETS is on (tests, intranet receivers):

* saving an endpoint (webhook_url_validate, the admin form) refuses a URL whose
  host is, or resolves to, a loopback, private, link-local, shared (CGNAT),
  multicast, reserved or unspecified address, and plain http unless DEBUG;
* every delivery (webhook_session) resolves the name again, checks the address
  and connects to that very address, with the name as Host header and TLS SNI,
  so a name that resolves differently by then (DNS rebinding) gains nothing.
  That part is requests-hardened's IPFilterAdapter (Saleor), not ours.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from requests_hardened import Config, Manager
from requests_hardened.ip_filter import EXTRA_BLOCKED_NET_RANGES, InvalidIPAddress

__all__ = ["InvalidIPAddress", "address_is_internal", "private_targets_allowed", "webhook_session",
           "webhook_url_validate"]


def private_targets_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False))


def http_allowed() -> bool:
    return bool(settings.DEBUG) or private_targets_allowed()


def address_is_internal(address: str) -> bool:
    """Anything but a global unicast address. Stricter than ip.is_global alone, which lets multicast
    through, and than is_private alone, which misses 100.64.0.0/10; plus requests-hardened's list of
    ranges Python's tables miss on older patch releases (NAT64, 6to4, ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") is no address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or any(ip in net for net in EXTRA_BLOCKED_NET_RANGES))


def _resolved(host: str, port: int) -> list[str]:
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    except (socket.gaierror, UnicodeError, OSError):
        # Not resolvable now (a receiver not set up yet, no DNS here): the check at delivery decides.
        return []


def webhook_url_validate(url: str) -> None:
    """Raise ValidationError (German for German users) for a URL that deliveries would refuse."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and http_allowed()):
        raise ValidationError(_("The address must start with https://; plain http is allowed only in development."),
                              code="https_required")
    if private_targets_allowed():
        return
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValidationError(_("The address has an invalid port."), code="invalid_port") from None
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = _resolved(host, port)
    if any(address_is_internal(address) for address in addresses):
        raise ValidationError(
            _("The address points to an internal address (loopback, private network, link-local or "
              "reserved); webhooks may only go to public receivers."),
            code="internal_target",
        )


def webhook_session():
    """A requests session for one delivery: no redirects, and with the address check and pinning of
    requests-hardened unless private targets are allowed."""
    return Manager(Config(
        ip_filter_enable=not private_targets_allowed(),
        ip_filter_allow_loopback_ips=False,
        never_redirect=True,
        default_timeout=(settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT),
        user_agent_override=None,
    )).get_session()
