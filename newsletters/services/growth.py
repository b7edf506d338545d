"""Keeping the report's numbers when the purge deletes sign-ups (see PurgedSignupCount)."""

from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from newsletters.models import PurgedSignupCount, SubscriptionEvent


def purged_sign_ups_count(*, subscriptions: QuerySet) -> int:
    """Add the sign-up entries of these subscriptions, about to be deleted unconfirmed, to the per-week
    counts of their newsletters. Call it in the purge's transaction, before the delete; not idempotent
    (the purge calls it once for the rows it then deletes). Returns how many sign-ups were counted."""
    rows = (SubscriptionEvent.objects.filter(subscription__in=subscriptions, kind=SubscriptionEvent.Kind.SIGNED_UP)
            .values("subscription__newsletter_id", week=TruncWeek("occurred_at"))
            .annotate(n=Count("id")).order_by())
    counted = 0
    for row in rows:
        week = timezone.localdate(row["week"]) if timezone.is_aware(row["week"]) else row["week"].date()
        newsletter_id, number = row["subscription__newsletter_id"], row["n"]
        entry, created = PurgedSignupCount.objects.select_for_update().get_or_create(
            newsletter_id=newsletter_id, week=week, defaults={"sign_ups": number})
        if not created:
            PurgedSignupCount.objects.filter(pk=entry.pk).update(sign_ups=F("sign_ups") + number)
        counted += number
    return counted
