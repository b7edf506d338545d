"""Reads for a newsletter's report: subscriber growth per ISO week from the proof log, and the issues sent.

Growth is counted from SubscriptionEvent, the append-only proof log, not from the
subscriptions' current state: a subscription that was confirmed and later ended
still counts as a confirmation in its week and as an unsubscribe in another. The
purge deletes never-confirmed sign-ups with their log; it leaves their number per
week behind (PurgedSignupCount), which is added to that week's sign-ups.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import TruncWeek
from django.utils import timezone

from newsletters.mailable import ISSUE_LABEL
from newsletters.models import (
    Newsletter,
    NewsletterIndexPage,
    NewsletterIssuePage,
    PurgedSignupCount,
    SubscriptionEvent,
)
from outreach.mailable import MailingFigures, mailing_figures_for_sources, reference_for

Kind = SubscriptionEvent.Kind
DEFAULT_WEEKS = 26


@dataclass(frozen=True)
class GrowthWeek:
    monday: date
    sign_ups: int = 0
    # Of this week's sign-ups, those confirmed since (whenever the confirmation came).
    sign_ups_confirmed: int = 0
    confirmations: int = 0
    unsubscribes: int = 0

    @property
    def iso_year(self) -> int:
        return self.monday.isocalendar().year

    @property
    def iso_week(self) -> int:
        return self.monday.isocalendar().week

    @property
    def confirmation_rate(self) -> float | None:
        """Per cent of this week's sign-ups confirmed so far; None without sign-ups (not 0: nothing to rate)."""
        return round(100 * self.sign_ups_confirmed / self.sign_ups, 1) if self.sign_ups else None

    @property
    def net_change(self) -> int:
        """Confirmed subscribers won minus those lost: a pending sign-up is not a subscriber yet."""
        return self.confirmations - self.unsubscribes


def _confirmed_later():
    """A sign-up's own confirmation: a CONFIRMED entry of the same subscription carrying the sign-up's request
    nonce. Entries without a nonce (demo data, staff entries before there was one) count any confirmation
    at or after the sign-up."""
    same_subscription = SubscriptionEvent.objects.filter(subscription_id=OuterRef("subscription_id"),
                                                         kind=Kind.CONFIRMED)
    return (Exists(same_subscription.filter(data__request=OuterRef("data__request")))
            | (Q(request_key__isnull=True)
               & Exists(same_subscription.filter(occurred_at__gte=OuterRef("occurred_at")))))


def _monday(moment: datetime) -> date:
    day = timezone.localdate(moment) if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def newsletter_growth(*, newsletter: Newsletter, weeks: int = DEFAULT_WEEKS, today: date | None = None
                      ) -> list[GrowthWeek]:
    """One row per ISO week (Monday to Sunday, local time), the oldest first, the last `weeks` weeks up to
    this one; weeks with nothing in them are there with zeros. Two queries (the log's aggregate and the
    purged sign-ups' counts), whatever the number of subscribers or log entries."""
    this_monday = _monday(today or timezone.localdate())
    first_monday = this_monday - timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.combine(first_monday, datetime.min.time()))
    sign_up = Q(kind=Kind.SIGNED_UP)
    rows = (
        SubscriptionEvent.objects.filter(subscription__newsletter=newsletter, occurred_at__gte=start,
                                         kind__in=[Kind.SIGNED_UP, Kind.CONFIRMED, Kind.UNSUBSCRIBED])
        .alias(request_key=KT("data__request"))
        # TruncWeek is the ISO week's Monday, in the current time zone (Django truncates there).
        .values(week=TruncWeek("occurred_at"))
        .annotate(sign_ups=Count("id", filter=sign_up),
                  sign_ups_confirmed=Count("id", filter=sign_up & _confirmed_later()),
                  confirmations=Count("id", filter=Q(kind=Kind.CONFIRMED)),
                  unsubscribes=Count("id", filter=Q(kind=Kind.UNSUBSCRIBED)))
        .order_by()
    )
    counted = {_monday(row.pop("week")): row for row in rows}
    # Unconfirmed sign-ups the purge deleted with their log entries, kept as numbers (PurgedSignupCount).
    purged = dict(PurgedSignupCount.objects.filter(newsletter=newsletter, week__gte=first_monday)
                  .values_list("week", "sign_ups"))
    result = []
    for monday in (first_monday + timedelta(weeks=n) for n in range(weeks)):
        values = dict(counted.get(monday, {}))
        values["sign_ups"] = values.get("sign_ups", 0) + purged.get(monday, 0)
        result.append(GrowthWeek(monday=monday, **values))
    return result


def newsletter_issue_sources(*, newsletter: Newsletter) -> list[str]:
    """The engine's source references of every issue filed under the newsletter, in every language."""
    indexes = NewsletterIndexPage.objects.filter(newsletter=newsletter).values_list("path", "depth")
    query = Q()
    for path, depth in indexes:
        query |= Q(path__startswith=path, depth=depth + 1)
    if not query:
        return []
    return [reference_for(ISSUE_LABEL, pk)
            for pk in NewsletterIssuePage.objects.filter(query).values_list("pk", flat=True)]


def newsletter_issues_sent(*, newsletter: Newsletter) -> list[MailingFigures]:
    """The newsletter's issue mailings that have started, newest first, with the engine's figures."""
    return mailing_figures_for_sources(sources=newsletter_issue_sources(newsletter=newsletter))
