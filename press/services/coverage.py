"""Coverage clippings: record them (offline too), read title, date and outlet from the page, show them on the
journalist's timeline.

Reading the page is server-side fetching of a URL someone typed, so it is
held to what cms.services.webhook_targets holds publish webhooks to: only
http(s), only public addresses (loopback, private, link-local, reserved and
the like are refused, literal or resolved), each redirect checked again
before it is followed (at most MAX_REDIRECTS), and the connection made by
requests-hardened, which checks the address it actually connects to (so a
name that resolves differently by then gains nothing). With
WEBHOOK_ALLOW_PRIVATE_TARGETS on (tests) loopback is allowed, for the local
test server, and nothing else: a clipping is never on an intranet.
"""

import datetime
import ipaddress
import logging
import socket
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from requests import RequestException
from requests_hardened import Config, Manager

from cms.services.webhook_targets import address_is_internal, private_targets_allowed
from outreach.models import ActivityEvent
from outreach.services.activity import activity_record
from press.models import Clipping

logger = logging.getLogger(__name__)
MAX_REDIRECTS = 5
USER_AGENT = "Dialogdesk-Clippings/1.0 (+press office; reads title and date only)"


class TargetRefused(Exception):
    """The address may not be fetched; the message says why, for the press office."""


def _address_allowed(address: str) -> bool:
    if not address_is_internal(address):
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return private_targets_allowed() and ip.is_loopback


def _addresses(host: str, port: int) -> list[str] | None:
    """The host's addresses, or None if it does not resolve (now)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    except (socket.gaierror, UnicodeError, OSError):
        return None


def _check(url: str, *, must_resolve: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(_("Only web addresses starting with http:// or https:// can be recorded."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused(_("The address has an invalid port.")) from None
    addresses = _addresses(parts.hostname, port)
    if addresses is None:
        if must_resolve:
            raise TargetRefused(_("The address's host name could not be found."))
        return
    if not all(_address_allowed(address) for address in addresses):
        raise TargetRefused(_("The address points to an internal address (loopback, private network, link-local "
                              "or reserved); clippings are public web pages."))


def clipping_url_validate(url: str) -> None:
    """ValidationError for a URL that is not http(s) or points to an internal address. A host name that does
    not resolve now is accepted: recording works offline, the fetch decides later."""
    try:
        _check(url, must_resolve=False)
    except TargetRefused as exc:
        raise ValidationError(str(exc), code="clipping_url") from exc


# --- recording ------------------------------------------------------------------------------------------

def _timeline_sync(clipping: Clipping, *, actor=None) -> None:
    """One timeline event on the journalist's contact, kept in step with the clipping."""
    subject = clipping.activity_subject
    events = ActivityEvent.objects.filter(subject=subject, kind=ActivityEvent.Kind.NOTE)
    events.exclude(contact_id=clipping.journalist_id).delete()
    if clipping.journalist_id is None:
        return
    summary = _("Coverage: %(outlet)s – %(headline)s") % {
        "outlet": clipping.outlet or urlsplit(clipping.url).hostname, "headline": clipping.headline or clipping.url}
    occurred = (datetime.datetime.combine(clipping.published_on, datetime.time(12), tzinfo=datetime.UTC)
                if clipping.published_on else clipping.created_at or timezone.now())
    data = {"kind": "coverage", "url": clipping.url, "tone": clipping.tone, "reach": clipping.reach,
            "release_id": clipping.release_id}
    if events.filter(contact_id=clipping.journalist_id).update(summary=summary[:500], occurred_at=occurred, data=data):
        return
    activity_record(contact=clipping.journalist, kind=ActivityEvent.Kind.NOTE, actor=actor, summary=summary,
                    subject=subject, data=data, occurred_at=occurred)


@transaction.atomic
def clipping_record(*, clipping: Clipping, actor=None) -> Clipping:
    """Save a clipping as typed, put it on the journalist's timeline, and have the page read after the commit
    if the URL changed or something is still missing. Raises ValidationError for a URL that may not be fetched."""
    clipping_url_validate(clipping.url)
    previous_url = Clipping.objects.filter(pk=clipping.pk).values_list("url", flat=True).first() if clipping.pk else None
    if clipping.pk is None:
        clipping.created_by = actor
    wants_reading = previous_url != clipping.url or not (clipping.headline and clipping.published_on and clipping.outlet)
    if wants_reading:
        clipping.fetch_status, clipping.fetch_error = Clipping.FetchStatus.PENDING, ""
    clipping.save()
    _timeline_sync(clipping, actor=actor)
    if wants_reading:
        from press.tasks import clipping_fetch_task

        pk = clipping.pk
        transaction.on_commit(lambda: clipping_fetch_task.delay(pk))
    return clipping


# --- reading the page -----------------------------------------------------------------------------------

def _session():
    return Manager(Config(
        ip_filter_enable=not private_targets_allowed(),
        ip_filter_allow_loopback_ips=False,
        never_redirect=True,
        default_timeout=(settings.PRESS_CLIPPING_FETCH_TIMEOUT, settings.PRESS_CLIPPING_FETCH_TIMEOUT),
        user_agent_override=USER_AGENT,
    )).get_session()


def page_fetch(url: str) -> tuple[str, str]:
    """(final URL, HTML) of a public page, redirects followed one checked hop at a time.

    Raises TargetRefused (not allowed, or not an HTML page) or requests' RequestException (unreachable).
    """
    session = _session()
    for _hop in range(MAX_REDIRECTS + 1):
        _check(url, must_resolve=True)
        with session.get(url, stream=True, allow_redirects=False,
                         headers={"Accept": "text/html,application/xhtml+xml"}) as response:
            if response.is_redirect:
                location = response.headers.get("Location", "")
                url = urljoin(url, location)
                continue
            response.raise_for_status()
            if "html" not in response.headers.get("Content-Type", "text/html").lower():
                raise TargetRefused(_("The address is not a web page (%(type)s).")
                                    % {"type": response.headers.get("Content-Type", "")[:60]})
            body, limit = bytearray(), settings.PRESS_CLIPPING_MAX_BYTES
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > limit:
                    break  # the head with title and date comes first; the rest is not needed
            encoding = response.encoding or response.apparent_encoding or "utf-8"
            return url, bytes(body[:limit]).decode(encoding, errors="replace")
    raise TargetRefused(_("Too many redirects."))


def page_metadata(*, html: str, url: str) -> dict:
    """title, published_on (date or None), outlet, read with trafilatura (htmldate for the date)."""
    from trafilatura.metadata import extract_metadata

    document = extract_metadata(html, default_url=url)
    published = None
    if document.date:
        try:
            published = datetime.date.fromisoformat(document.date[:10])
        except ValueError:
            published = None
    host = (document.hostname or urlsplit(url).hostname or "").removeprefix("www.")
    return {"headline": (document.title or "").strip(), "published_on": published,
            "outlet": (document.sitename or host or "").strip()}


def clipping_fetch(*, clipping_id: int) -> Clipping | None:
    """Read the clipping's page and fill in headline, date and outlet where they are empty. Safe to run twice;
    what the officer typed is never overwritten. None if the clipping is gone."""
    clipping = Clipping.objects.filter(pk=clipping_id).first()
    if clipping is None:
        return None
    try:
        final_url, html = page_fetch(clipping.url)
        found = page_metadata(html=html, url=final_url)
    except TargetRefused as exc:
        return _fetch_failed(clipping, str(exc))
    except RequestException as exc:
        logger.info("clipping %s: %s unreachable: %s", clipping.pk, clipping.url, exc)
        return _fetch_failed(clipping, _("The page could not be reached."))
    with transaction.atomic():
        clipping = Clipping.objects.select_for_update().get(pk=clipping_id)
        for field, value in found.items():
            if value and not getattr(clipping, field):
                setattr(clipping, field, value[:500] if isinstance(value, str) else value)
        clipping.fetch_status, clipping.fetch_error, clipping.fetched_at = (
            Clipping.FetchStatus.FETCHED, "", timezone.now())
        clipping.save()
        _timeline_sync(clipping)
    return clipping


def _fetch_failed(clipping: Clipping, reason: str) -> Clipping:
    Clipping.objects.filter(pk=clipping.pk).update(fetch_status=Clipping.FetchStatus.FAILED,
                                                   fetch_error=reason[:500], fetched_at=timezone.now())
    clipping.refresh_from_db()
    return clipping
