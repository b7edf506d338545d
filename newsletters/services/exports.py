"""A newsletter's subscribers with their consent fields as CSV or XLSX, through outreach's logged export."""

from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext as _

from newsletters.models import Newsletter, Subscription, SubscriptionEvent
from outreach import mailable


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Subscription], object]


def _moment(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _version(text) -> str:
    return f"v{text.version} ({text.language})" if text else ""


def _latest_sign_up(subscription: Subscription):
    """The latest sign-up entry, the one the consent fields come from (prefetched as `sign_ups`, newest first)."""
    return subscription.sign_ups[0] if subscription.sign_ups else None


def subscriber_columns() -> list[Column]:
    """Built per call so the headings follow the active language."""
    return [
        Column(_("Address"), lambda s: s.email),
        Column(_("Name"), lambda s: s.name),
        Column(_("Language"), lambda s: s.language),
        Column(_("Topics"), lambda s: ", ".join(sorted(topic.name for topic in s.topics.all()))),
        Column(_("Regions"), lambda s: ", ".join(sorted(region.title for region in s.regions.all()))),
        Column(_("State"), lambda s: s.get_state_display()),
        Column(_("Paused until"), lambda s: s.paused_until.isoformat() if s.paused_until else ""),
        Column(_("Signed up"), lambda s: _moment(s.signed_up_at)),
        Column(_("Confirmed"), lambda s: _moment(s.confirmed_at)),
        Column(_("Unsubscribed"), lambda s: _moment(s.unsubscribed_at)),
        Column(_("Consent text version"), lambda s: _version(s.consent_text)),
        Column(_("Privacy notice version"), lambda s: _version(s.privacy_notice)),
        Column(_("Source / form URL"), lambda s: _source(_latest_sign_up(s))),
        Column(_("Sign-up IP address"), lambda s: (_latest_sign_up(s).ip_address or "") if _latest_sign_up(s) else ""),
    ]


def _source(event) -> str:
    if event is None:
        return ""
    if event.form_url:
        return event.form_url
    return str(event.data.get("source") or event.data.get("proof_note") or "")


def subscribers_export_queryset(*, newsletter: Newsletter):
    """Who is exported: subscriptions with a contact (a pending sign-up is nobody's data to hand out yet),
    relations and the latest sign-up entry loaded up front, so the export makes a fixed number of queries."""
    from django.db.models import Prefetch

    return (Subscription.objects.filter(newsletter=newsletter, contact__isnull=False)
            .select_related("consent_text", "privacy_notice")
            .prefetch_related("topics", "regions", Prefetch(
                "events", to_attr="sign_ups",
                queryset=SubscriptionEvent.objects.filter(kind=SubscriptionEvent.Kind.SIGNED_UP)
                .order_by("-occurred_at", "-id")))
            .order_by("email"))


def newsletter_subscribers_export(*, newsletter: Newsletter, file_format: str, actor) -> bytes:
    """The newsletter's subscribers (confirmed, paused and ended; not pending) with their consent fields.

    Addresses on the suppression list are left out, as in outreach's contact export. Logged in outreach's
    ExportLog and on each exported contact's timeline. Not idempotent: each call is one logged export.
    Raises ValueError for a format other than CSV or XLSX.
    """
    if file_format not in mailable.EXPORT_FORMATS:
        raise ValueError(_("Unknown export format %(format)r: choose CSV or XLSX.") % {"format": file_format})
    subscriptions = list(subscribers_export_queryset(newsletter=newsletter))
    suppressed = mailable.contact_ids_suppressed(contact_ids=[s.contact_id for s in subscriptions])
    subscriptions = [s for s in subscriptions if s.contact_id not in suppressed]
    columns = subscriber_columns()
    return mailable.personal_data_export(
        headings=[column.heading for column in columns],
        rows=[[column.value(subscription) for column in columns] for subscription in subscriptions],
        file_format=file_format, title=_("Subscribers"), actor=actor,
        description=_("Subscribers of the newsletter “%(name)s”") % {"name": newsletter.name()},
        contact_ids=[s.contact_id for s in subscriptions],
    )
