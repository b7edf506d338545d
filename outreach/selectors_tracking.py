"""Reads for tracking: a locale's tracked links (for the redirect), a mailing's open and click figures,
and the replies that came back to it."""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count

from outreach.models import (
    InboundMessage,
    Mailing,
    MailingContent,
    MailingVariant,
    Message,
    MessageEvent,
    SuppressionEntry,
    email_hash,
)
from outreach.tracking.links import link_urls

# A sent mailing's rendered_html does not change; the key still carries rendered_at,
# so a re-render (a mailing started again after a cancel) can never meet stale links.
LINKS_CACHE_SECONDS = 24 * 3600


def message_for_token(*, token: str) -> Message | None:
    """The message a token names (tokens are lower-case; mail systems may have folded the case), with its contact."""
    return Message.objects.select_related("contact", "mailing").filter(token=token.strip().lower()).first()


def message_is_unsubscribed(*, message: Message) -> bool:
    """Whether there is nothing left to unsubscribe: the contact is gone or every address of theirs is suppressed."""
    if message.contact is None:
        return True
    hashes = {email_hash(message.email), message.contact.email_hash}
    return SuppressionEntry.objects.filter(email_hash__in=hashes).count() == len(hashes)


def mailing_link_urls(*, mailing_id: int, locale: str, variant: str = "") -> list[str]:
    """The trackable URLs of one locale's (or variant's) rendered HTML, link n at index n. [] if there is no
    such content.

    Parsed with the same function personalisation used (outreach.tracking.links),
    from the same stored HTML, and cached per mailing, locale, variant and render.
    """
    if variant:
        content = MailingVariant.objects.filter(mailing_id=mailing_id, locale=locale, key=variant)
    else:
        content = MailingContent.objects.filter(mailing_id=mailing_id, locale=locale)
    rendered_at = content.values_list("rendered_at", flat=True).first()
    if rendered_at is None:
        return []
    variant_key = hashlib.sha256(variant.encode()).hexdigest()[:16] if variant else ""
    key = f"outreach:tracked-links:{mailing_id}:{locale}:{variant_key}:{rendered_at.timestamp()}"
    urls = cache.get(key)
    if urls is None:
        markup = content.values_list("rendered_html", flat=True).first() or ""
        urls = link_urls(markup)
        cache.set(key, urls, LINKS_CACHE_SECONDS)
    return urls


@dataclass(frozen=True)
class LinkStats:
    locale: str
    index: int  # the link's number in that locale's rendered HTML (MessageEvent.data["index"])
    url: str
    clicks: int  # every click, repeats included
    unique_clicks: int  # messages with at least one click on this link


@dataclass(frozen=True)
class OpenStats:
    unique_opens: int  # messages opened at least once by a person (Apple's privacy prefetch left out)
    opens: int  # open events by people, repeats included
    prefetched: int  # messages whose only opens were privacy prefetches (opened or not, nobody knows)
    unique_clicks: int  # messages with at least one click
    clicks: int
    links: list[LinkStats] = field(default_factory=list)  # by locale, then link number


def mailing_open_stats(*, mailing: Mailing) -> OpenStats:
    """Opens and clicks of a mailing, counted from MessageEvent rows. Four aggregate queries.

    Returns OpenStats:
        unique_opens   int  messages with an open whose data["privacy_prefetch"] is false
        opens          int  such open events in total
        prefetched     int  messages with prefetched opens only (Apple Mail Privacy Protection)
        unique_clicks  int  messages with at least one click
        clicks         int  click events in total
        links          [LinkStats(locale, index, url, clicks, unique_clicks)], every link that was clicked,
                       ordered by locale and index; url is the one recorded with the click

    Clicks through link scanners are not told apart from people's.
    """
    events = MessageEvent.objects.filter(message__mailing=mailing)
    opens = events.filter(kind=MessageEvent.Kind.OPEN)
    human = opens.filter(data__privacy_prefetch=False).aggregate(
        total=Count("id"), unique=Count("message_id", distinct=True)
    )
    opened_by_people = opens.filter(data__privacy_prefetch=False).values("message_id")
    prefetched = (
        opens.filter(data__privacy_prefetch=True).exclude(message_id__in=opened_by_people)
        .aggregate(unique=Count("message_id", distinct=True))["unique"]
    )
    clicks = events.filter(kind=MessageEvent.Kind.CLICK)
    click_totals = clicks.aggregate(total=Count("id"), unique=Count("message_id", distinct=True))
    per_link = (
        clicks.values("message__locale", "data__index", "data__url")
        .annotate(total=Count("id"), unique=Count("message_id", distinct=True))
        .order_by("message__locale", "data__index")
    )
    links = [
        LinkStats(locale=row["message__locale"], index=int(row["data__index"]), url=row["data__url"],
                  clicks=row["total"], unique_clicks=row["unique"])
        for row in per_link
    ]
    return OpenStats(
        unique_opens=human["unique"], opens=human["total"], prefetched=prefetched,
        unique_clicks=click_totals["unique"], clicks=click_totals["total"], links=links,
    )


@dataclass(frozen=True)
class MailingReplies:
    replies: list[InboundMessage]  # the newest first, at most limit, each with its contact
    total: int
    auto_replies: list[InboundMessage]  # out-of-office and the like, kept apart
    auto_total: int


def mailing_replies(*, mailing: Mailing, limit: int = 100) -> MailingReplies:
    """Replies to a mailing as stored (quoted history stripped), and its auto-replies apart. Four queries."""
    inbound = InboundMessage.objects.filter(mailing=mailing).select_related("contact").order_by("-received_at", "-id")
    replies = inbound.filter(kind=InboundMessage.Kind.REPLY)
    auto = inbound.filter(kind=InboundMessage.Kind.AUTO_REPLY)
    return MailingReplies(replies=list(replies[:limit]), total=replies.count(), auto_replies=list(auto[:limit]),
                          auto_total=auto.count())
