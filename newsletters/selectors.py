"""Reads of the newsletters app."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from newsletters.models import ConsentText, Newsletter, Subscription


def newsletter_confirmed_contact_ids(newsletter_id: int) -> QuerySet:
    """outreach audience provider: contacts with a confirmed subscription, or a pause that has ended.
    Never a pending one: nothing goes to an address whose owner has not confirmed."""
    today = timezone.localdate()
    return Subscription.objects.filter(
        Q(state=Subscription.State.CONFIRMED) | Q(state=Subscription.State.PAUSED, paused_until__lte=today),
        newsletter_id=newsletter_id, contact__isnull=False,
    ).values_list("contact_id", flat=True)


def newsletters_public() -> QuerySet:
    return Newsletter.objects.filter(is_public=True).prefetch_related("topics", "regions").order_by("name_de")


def consent_text_current(*, kind: str, language: str) -> ConsentText | None:
    return ConsentText.objects.filter(kind=kind, language=language).order_by("-version").first()


def contact_subscriptions(*, contact_id: int) -> QuerySet:
    """A contact's subscriptions with their proof, for the contact page in the admin."""
    return (Subscription.objects.filter(contact_id=contact_id)
            .select_related("newsletter", "consent_text", "privacy_notice")
            .prefetch_related("topics", "regions", "events__actor").order_by("newsletter__name_de"))


def issue_audience_by_language(*, issue) -> dict[str, int]:
    """How many subscribers get the issue in each of its languages (their own if the newsletter and the issue
    have it, else the newsletter's default), before the engine takes out suppressed and bounced addresses."""
    from django.db.models import Count

    from newsletters.mailable import issue_audience_contact_ids, issue_mailable_locales

    newsletter = issue.newsletter
    if newsletter is None:
        return {}
    locales = issue_mailable_locales(issue=issue)
    counts: dict[str, int] = {locale: 0 for locale in locales}
    rows = (Subscription.objects.filter(newsletter=newsletter, contact_id__in=issue_audience_contact_ids(issue.pk))
            .values("language").annotate(n=Count("id")))
    for row in rows:
        language = newsletter.language_for(row["language"])
        counts[language if language in counts else locales[0]] += row["n"]
    return counts
