"""What recipients' mail clients report back: opens (pixel), clicks (redirect), unsubscribes (RFC 8058, mailto).

Each call finds the message by its token; the caller (a view, the inbound
mail processing) has checked the signature where there is one. Events go on
the message (MessageEvent, for the mailing's figures) and, for a person's own
actions, on the contact's timeline (ActivityEvent) - at most one "opened" and
one "clicked" per link and message, so a mail read ten times stays one line.
"""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from outreach.models import ActivityEvent, Message, MessageEvent, SuppressionEntry
from outreach.selectors_tracking import mailing_link_urls
from outreach.services.activity import activity_record
from outreach.services.contacts import email_suppress

# A reloading client or a hostile loop must not grow the event table without bound;
# past this many events of one kind the figures are not going to change anything.
MAX_EVENTS_PER_MESSAGE = 50

# Apple Mail Privacy Protection fetches every remote image through Apple's proxies
# when mail arrives, whether or not anyone reads it. Apple owns 17.0.0.0/8, and
# the proxy sends a bare "Mozilla/5.0" as its User-Agent.
APPLE_NETWORK = ipaddress.ip_network("17.0.0.0/8")
APPLE_PROXY_USER_AGENT = "Mozilla/5.0"


class TrackingNotFound(LookupError):
    """No message with that token, or no link with that number in it."""


def is_privacy_prefetch(*, user_agent: str, remote_address: str) -> bool:
    if user_agent.strip() == APPLE_PROXY_USER_AGENT:
        return True
    try:
        address = ipaddress.ip_address(remote_address.strip())
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address in APPLE_NETWORK


def _locked_message(token: str) -> Message:
    # Locked so that two requests at once (a prefetch and a read, a double click)
    # cannot both decide they are the first and write two timeline events.
    message = (
        Message.objects.select_for_update(of=("self",)).select_related("mailing", "contact")
        .filter(token=token.strip().lower()).first()
    )
    if message is None:
        raise TrackingNotFound(token)
    return message


def _count(message: Message, kind: str, **data) -> int:
    lookups = {f"data__{key}": value for key, value in data.items()}
    return MessageEvent.objects.filter(message=message, kind=kind, **lookups).count()


@transaction.atomic
def message_open_record(*, token: str, user_agent: str = "", remote_address: str = "") -> MessageEvent | None:
    """Record that the pixel was fetched. Returns the event, or None past the per-message cap.

    A fetch by Apple's privacy proxy is recorded with data {"privacy_prefetch": true}
    and puts nothing on the timeline; any other with {"privacy_prefetch": false},
    and the first of those adds the contact's "opened" event. Raises TrackingNotFound.
    """
    message = _locked_message(token)
    prefetch = is_privacy_prefetch(user_agent=user_agent, remote_address=remote_address)
    if _count(message, MessageEvent.Kind.OPEN) >= MAX_EVENTS_PER_MESSAGE:
        return None
    first_read = not prefetch and not _count(message, MessageEvent.Kind.OPEN, privacy_prefetch=False)
    event = MessageEvent.objects.create(
        message=message, kind=MessageEvent.Kind.OPEN, occurred_at=timezone.now(),
        data={"privacy_prefetch": prefetch},
    )
    if first_read and message.contact is not None:
        activity_record(contact=message.contact, kind=ActivityEvent.Kind.OPENED, summary=message.mailing.title,
                        subject=message.mailing.activity_subject, data={"message": message.pk},
                        occurred_at=event.occurred_at)
        _delivery_confirmed(message)
    return event


def _delivery_confirmed(message: Message) -> None:
    # A person read or clicked: the address works, so soft bounces are no longer "in a row".
    from outreach.services.inbound import contact_delivery_succeeded

    contact_delivery_succeeded(contact=message.contact)


def message_click_url(*, token: str, index: int) -> str:
    """The URL behind link number index of the message's mail. Raises TrackingNotFound."""
    found = Message.objects.filter(token=token.strip().lower()).values_list("mailing_id", "locale", "variant").first()
    if found is None:
        raise TrackingNotFound(token)
    urls = mailing_link_urls(mailing_id=found[0], locale=found[1], variant=found[2])
    if not 0 <= index < len(urls):
        raise TrackingNotFound(f"{token}/{index}")
    return urls[index]


@transaction.atomic
def message_click_record(*, token: str, index: int) -> str:
    """Record a click on link number index and return where it leads (only ever a URL from the mail).

    Every click is a MessageEvent with data {"index", "url"} (up to the
    per-message cap); the first click on each link adds a "clicked" event to
    the contact's timeline. Raises TrackingNotFound.
    """
    url = message_click_url(token=token, index=index)
    message = _locked_message(token)
    if _count(message, MessageEvent.Kind.CLICK) >= MAX_EVENTS_PER_MESSAGE:
        return url
    first_on_link = not _count(message, MessageEvent.Kind.CLICK, index=index)
    event = MessageEvent.objects.create(
        message=message, kind=MessageEvent.Kind.CLICK, occurred_at=timezone.now(), data={"index": index, "url": url},
    )
    if first_on_link and message.contact is not None:
        activity_record(contact=message.contact, kind=ActivityEvent.Kind.CLICKED, summary=url,
                        subject=message.mailing.activity_subject, data={"message": message.pk, "url": url},
                        occurred_at=event.occurred_at)
        _delivery_confirmed(message)
    return url


@dataclass(frozen=True)
class UnsubscribeResult:
    message: Message
    is_new: bool  # False: unsubscribed before through this message, or the contact was erased meanwhile
    scope: str = ""  # the mailing's unsubscribe scope that was ended; "" when the unsubscribe was global


def _unsubscribe_summary(mailing, *, scope: str) -> str:
    """The timeline line: the mailing's title, led by the scope's title ("Presse-Abmeldung: …") when it was
    scoped. Stored text, so in the office's language, not the language of the recipient who clicked."""
    from outreach.mailable import unsubscribe_scope_title

    with translation.override(settings.LANGUAGE_CODE):
        title = unsubscribe_scope_title(scope) if scope else ""
    return f"{title}: {mailing.title}" if title else mailing.title


@transaction.atomic
def message_unsubscribe(*, token: str, source: str = "link", everything: bool = False) -> UnsubscribeResult:
    """Unsubscribe the recipient of a message. Safe to call twice.

    For the one-click POST and the page (source "one-click" / "link") and for
    inbound mail to the signed unsubscribe+ address (source "mailto";
    outreach.inbound.match has checked its signature and passes the message's token).

    A mailing with an unsubscribe scope (Mailing.unsubscribe_scope, e.g. one
    newsletter) ends only that, through the handler its app registered in
    outreach.mailable, unless everything is asked for or the handler ended
    nothing (the person was not subscribed there): then, and for a mailing
    without a scope, the address the mail went to - and the contact's current
    one, if it changed since - goes on the suppression list with reason
    UNSUBSCRIBE (an earlier entry keeps its reason). Either way the unsubscribe
    is recorded once per scope on the message (the mailing's report) and on
    the timeline, with data {"source"} plus {"scope"} when it was scoped. A contact erased meanwhile:
    nothing to do, the erasure has suppressed the address already. Raises TrackingNotFound.
    """
    from outreach.mailable import unsubscribe_scope_apply

    message = _locked_message(token)
    if message.contact is None:
        return UnsubscribeResult(message=message, is_new=False)
    about = message.mailing.activity_subject
    scope = "" if everything else message.mailing.unsubscribe_scope
    if not (scope and unsubscribe_scope_apply(scope, contact_id=message.contact_id, source=source, about=about)):
        scope = ""
        for address in dict.fromkeys((message.email, message.contact.email)):
            email_suppress(email=address, reason=SuppressionEntry.Reason.UNSUBSCRIBE, note=f"{about} ({source})")
    earlier = MessageEvent.objects.filter(message=message, kind=MessageEvent.Kind.UNSUBSCRIBE)
    earlier = earlier.filter(data__scope=scope) if scope else earlier.exclude(data__has_key="scope")
    if earlier.exists():
        return UnsubscribeResult(message=message, is_new=False, scope=scope)
    now = timezone.now()
    data = {"source": source, **({"scope": scope} if scope else {})}
    MessageEvent.objects.create(message=message, kind=MessageEvent.Kind.UNSUBSCRIBE, occurred_at=now, data=data)
    activity_record(contact=message.contact, kind=ActivityEvent.Kind.UNSUBSCRIBED,
                    summary=_unsubscribe_summary(message.mailing, scope=scope),
                    subject=about, data={"message": message.pk, **data}, occurred_at=now)
    return UnsubscribeResult(message=message, is_new=True, scope=scope)
