"""Reads of mailings for the admin: audience estimate, preview, progress, report.

Nothing here writes. The numbers of a running or finished mailing come from
its Message and MessageEvent rows; the estimate of a draft comes from the same
audience query the freeze uses (outreach.services.mailings.mailing_audience),
so "what you see" before sending is what the freeze will count.
"""

import html
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Length, Lower, NullIf, TruncDay, TruncHour
from django.db.models.lookups import In, StartsWith
from django.utils import timezone

from outreach.inbound.reasons import SENDER_REPUTATION_REASONS
from outreach.mailable import unsubscribe_scope_title
from outreach.models import Contact, Mailing, MailingAttachment, MailingContent, Message, MessageEvent
from outreach.rendering import compile_template, render_content
from outreach.segments import not_suppressed
from outreach.services.mailings import mailing_audience
from outreach.services.personalising import recipient_values

Status = Message.Status
Kind = MessageEvent.Kind
RATE_WINDOW_SECONDS = 30
EMPTY_TEXT = Value("", output_field=TextField())


@dataclass(frozen=True)
class AudienceEstimate:
    addressed: int
    suppressed: int
    undeliverable: int
    recipients: int
    frozen: bool


def mailing_audience_estimate(*, mailing: Mailing) -> AudienceEstimate:
    """Who would get the mailing now: lists + segments, minus suppressed, minus hard-bounced or stale.

    Once the audience is frozen, the frozen counts are the truth and are returned instead.
    """
    if mailing.frozen_at:
        return AudienceEstimate(
            addressed=mailing.recipients_count + mailing.suppressed_count + mailing.skipped_count,
            suppressed=mailing.suppressed_count, undeliverable=mailing.skipped_count,
            recipients=mailing.recipients_count, frozen=True,
        )
    audience = mailing_audience(mailing=mailing)
    counts = audience.aggregate(
        addressed=Count("pk"),
        suppressed=Count("pk", filter=~not_suppressed()),
        undeliverable=Count("pk", filter=not_suppressed() & (Q(bounce_state=Contact.BounceState.HARD)
                                                             | Q(is_stale=True))),
    )
    recipients = counts["addressed"] - counts["suppressed"] - counts["undeliverable"]
    return AudienceEstimate(recipients=recipients, frozen=False, **counts)


def mailing_recipient_count(*, mailing: Mailing) -> int:
    """The one recipient count every screen shows: frozen, or who would get it if it were sent now."""
    return mailing_audience_estimate(mailing=mailing).recipients


@dataclass(frozen=True)
class AttachmentSummary:
    id: int
    locale: str
    filename: str
    mimetype: str
    size: int


def mailing_attachments_by_locale(*, mailing: Mailing) -> dict[str, list[AttachmentSummary]]:
    """The mailing's attachments per language, in upload order; their content (megabytes) is not loaded."""
    if not mailing.pk:
        return {}
    rows = (MailingAttachment.objects.filter(mailing=mailing).order_by("id")
            .values_list("id", "locale", "filename", "mimetype", Length("content")))
    result: dict[str, list[AttachmentSummary]] = {}
    for pk, locale, filename, mimetype, size in rows:
        result.setdefault(locale, []).append(
            AttachmentSummary(id=pk, locale=locale, filename=filename, mimetype=mimetype, size=size or 0))
    return result


@dataclass(frozen=True)
class Preview:
    locale: str
    subject: str
    preheader: str
    html: str
    text: str
    sample_name: str
    error: str = ""


def sample_contact(*, mailing: Mailing, locale: str) -> Contact:
    """A real recipient in that language if there is one (so the salutation looks right), else a made-up one."""
    contact = mailing_audience(mailing=mailing).filter(not_suppressed(), language=locale).order_by("pk").first()
    return contact or Contact(salutation=Contact.Salutation.MS, first_name="Erika", last_name="Mustermann", email="erika.mustermann@example.org",
                              language=locale)


def mailing_preview(*, mailing: Mailing, content: MailingContent) -> Preview:
    """The e-mail as one recipient would see it: rendered like the send does, merge fields filled in."""
    contact = sample_contact(mailing=mailing, locale=content.locale)
    values = recipient_values(contact=contact, email=contact.email, locale=content.locale, token="preview")
    imprint = mailing.sender.imprint if mailing.sender_id else ""
    base = {"locale": content.locale, "preheader": content.preheader, "sample_name": contact.full_name or contact.email}
    try:
        rendered = render_content(locale=content.locale, body_mjml=content.body_mjml, body_html=content.body_html,
                                  body_text=content.body_text, preheader=content.preheader, imprint=imprint)
    except Exception as exc:  # noqa: BLE001 - broken MJML must show as a message on the preview, not as a 500
        return Preview(subject=content.subject, html="", text="", error=str(exc), **base)
    escaped = {name: html.escape(value) for name, value in values.items()}
    return Preview(
        subject=compile_template(content.subject).render(values),
        html=compile_template(rendered.html).render(escaped), text=compile_template(rendered.text).render(values),
        **base,
    )


def mailing_progress(*, mailing: Mailing, now: datetime | None = None) -> dict:
    """Counts per message status, percent done and the recent sending rate: what the progress page polls."""
    now = now or timezone.now()
    by_status = dict(Message.objects.filter(mailing=mailing).values_list("status").annotate(n=Count("id")))
    counts = {status: by_status.get(status, 0) for status in Status.values}
    total = sum(counts.values())
    done = total - counts[Status.QUEUED] - counts[Status.SENDING]
    recent = Message.objects.filter(mailing=mailing, status=Status.ACCEPTED,
                                    sent_at__gte=now - timedelta(seconds=RATE_WINDOW_SECONDS)).count()
    finished = mailing.status in (Mailing.Status.SENT, Mailing.Status.CANCELLED)
    return {
        "status": mailing.status,
        "status_label": str(mailing.get_status_display()),
        "total": total,
        **counts,
        "done": done,
        "percent": 100 if finished and total == 0 else (round(100 * done / total) if total else 0),
        "rate": round(recent / RATE_WINDOW_SECONDS, 1),
        "rate_per_minute": round(recent * 60 / RATE_WINDOW_SECONDS, 1),
        "rate_window": RATE_WINDOW_SECONDS,
        "finished": finished,
        "can_pause": mailing.status == Mailing.Status.SENDING,
        "can_resume": mailing.status == Mailing.Status.PAUSED,
        "can_cancel": mailing.status in (Mailing.Status.SENDING, Mailing.Status.PAUSED, Mailing.Status.SCHEDULED),
    }


BOUNCE_TYPE_KEYS = ("bounce_type", "type", "bounceType")
HARD_WORDS = {"hard", "permanent"}
SOFT_WORDS = {"soft", "transient"}


def bounce_kind(data: dict) -> str:
    """"hard", "soft" or "" from what the bounce event recorded (SES type, DSN/SMTP code).

    The definition: the report counts with _bounce_kind_sql(), which must classify alike (a test holds them
    to the same cases).
    """
    for key in BOUNCE_TYPE_KEYS:
        word = str(data.get(key, "")).lower()
        if word in HARD_WORDS:
            return "hard"
        if word in SOFT_WORDS:
            return "soft"
    code = str(data.get("status") or data.get("code") or "")
    if code[:1] == "5":
        return "hard"
    if code[:1] == "4":
        return "soft"
    return ""


@dataclass
class ReportBucket:
    start: datetime
    delivered: int = 0
    opens: int = 0
    clicks: int = 0


@dataclass
class MailingReport:
    recipients: int
    delivered: int
    failed: int
    cancelled: int
    bounced: int
    bounced_hard: int
    bounced_soft: int
    complaints: int
    unique_opens: int
    privacy_prefetches: int
    clicks: int
    unique_clickers: int
    replies: int
    unsubscribes: int
    # Of the unsubscribes, those that ended only the mailing's scope (press mail, one newsletter), and what that
    # scope's unsubscribe is called ("Presse-Abmeldung"); the others went on the suppression list.
    scoped_unsubscribes: int = 0
    unsubscribe_scope_title: str = ""
    # Refused for the sender's reputation or as spam (outreach.inbound.reasons): not the addresses' fault.
    bounced_reputation: int = 0
    links: list[dict] = field(default_factory=list)
    buckets: list[ReportBucket] = field(default_factory=list)
    bucket_unit: str = "hour"

    def rate(self, value: int) -> float:
        return round(100 * value / self.delivered, 1) if self.delivered else 0.0

    @property
    def open_rate(self) -> float:
        return self.rate(self.unique_opens)

    @property
    def click_rate(self) -> float:
        return self.rate(self.unique_clickers)


def _bucket_start(moment: datetime, unit: str) -> datetime:
    moment = timezone.localtime(moment).replace(minute=0, second=0, microsecond=0)
    return moment.replace(hour=0) if unit == "day" else moment


def _bounce_kind_sql() -> Case:
    """bounce_kind() as a SQL expression over MessageEvent.data, so bounces are classified by the database.

    The same keys in the same order, first match wins: a type word, else the first digit of the status or code.
    """
    whens = []
    for key in BOUNCE_TYPE_KEYS:
        word = Lower(KT(f"data__{key}"))
        whens += [When(In(word, sorted(HARD_WORDS)), then=Value("hard")),
                  When(In(word, sorted(SOFT_WORDS)), then=Value("soft"))]
    # Python's `data.get("status") or data.get("code")`: an empty status falls through to the code.
    code = Coalesce(NullIf(KT("data__status"), EMPTY_TEXT), KT("data__code"))
    whens += [When(StartsWith(code, "5"), then=Value("hard")), When(StartsWith(code, "4"), then=Value("soft"))]
    return Case(*whens, default=Value(""), output_field=CharField())


def _is_prefetch_sql() -> Case:
    # A Case rather than ~Q(data__privacy_prefetch=True): a missing key is NULL in SQL, and a negated
    # NULL comparison drops the row, where an open without the flag is a person's open.
    return Case(When(data__privacy_prefetch=True, then=Value(True)), default=Value(False),
                output_field=BooleanField())


def _first_opens(mailing: Mailing) -> QuerySet:
    """Each message's first open by a person: the open events with no earlier one (by time, then id) before them."""
    human = MessageEvent.objects.filter(kind=Kind.OPEN).alias(is_prefetch=_is_prefetch_sql()).filter(
        is_prefetch=False)
    earlier = human.filter(message_id=OuterRef("message_id")).filter(
        Q(occurred_at__lt=OuterRef("occurred_at")) | Q(occurred_at=OuterRef("occurred_at"), id__lt=OuterRef("id")))
    return human.filter(message__mailing=mailing).exclude(Exists(earlier))


def mailing_report(*, mailing: Mailing, max_hours: int = 72) -> MailingReport:
    """The mailing's outcome from its messages and events. Opens count once per message and leave out
    Apple Mail Privacy Protection prefetches (data {"privacy_prefetch": true}), which no person caused.

    Counted by the database: a fixed number of aggregate queries (at most eight) whatever the size of the
    mailing, returning one row per link and per time bucket at most. Not mailing_open_stats(): that one
    counts opens flagged {"privacy_prefetch": false} only, prefetched messages rather than prefetch events,
    and links per locale and number, where the report counts per URL.
    """
    messages = Message.objects.filter(mailing=mailing)
    bounce_events = MessageEvent.objects.filter(message_id=OuterRef("pk"), kind=Kind.BOUNCE)
    accepted = Q(status=Status.ACCEPTED, sent_at__isnull=False)
    totals = messages.aggregate(
        **{f"status_{status}": Count("id", filter=Q(status=status)) for status in Status.values},
        bounced=Count("id", filter=Q(status=Status.BOUNCED) | Q(Exists(bounce_events))),
        bounced_reputation=Count("id", filter=Q(bounce_reason__in=sorted(SENDER_REPUTATION_REASONS))),
        first_sent=Min("sent_at", filter=accepted), last_sent=Max("sent_at", filter=accepted),
    )
    events = MessageEvent.objects.filter(message__mailing=mailing).alias(
        is_prefetch=_is_prefetch_sql(), bounce=_bounce_kind_sql())
    # The kind first in each filter: the JSON expressions are then only worked out for the rows they concern.
    clicked, opened, bounced = Q(kind=Kind.CLICK), Q(kind=Kind.OPEN), Q(kind=Kind.BOUNCE)
    counts = events.aggregate(
        complaints=Count("id", filter=Q(kind=Kind.COMPLAINT)), replies=Count("id", filter=Q(kind=Kind.REPLY)),
        unique_opens=Count("message_id", distinct=True, filter=opened & Q(is_prefetch=False)),
        privacy_prefetches=Count("id", filter=opened & Q(is_prefetch=True)),
        clicks=Count("id", filter=clicked), unique_clickers=Count("message_id", distinct=True, filter=clicked),
        unsubscribes=Count("message_id", distinct=True, filter=Q(kind=Kind.UNSUBSCRIBE)),
        scoped_unsubscribes=Count("message_id", distinct=True, filter=Q(kind=Kind.UNSUBSCRIBE, data__has_key="scope")),
        # A message with a hard bounce is hard, whatever soft ones came before or after it.
        bounced_hard=Count("message_id", distinct=True, filter=bounced & Q(bounce="hard")),
        bounced_known=Count("message_id", distinct=True, filter=bounced & Q(bounce__in=["hard", "soft"])),
        first_click=Min("occurred_at", filter=clicked), last_click=Max("occurred_at", filter=clicked),
    )
    first_opens = _first_opens(mailing)
    open_range = first_opens.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    report = MailingReport(
        recipients=sum(totals[f"status_{status}"] for status in Status.values),
        delivered=totals[f"status_{Status.ACCEPTED}"], failed=totals[f"status_{Status.FAILED}"],
        cancelled=totals[f"status_{Status.CANCELLED}"], bounced=totals["bounced"],
        bounced_hard=counts["bounced_hard"], bounced_soft=counts["bounced_known"] - counts["bounced_hard"],
        bounced_reputation=totals["bounced_reputation"], complaints=counts["complaints"], unique_opens=counts["unique_opens"],
        privacy_prefetches=counts["privacy_prefetches"], clicks=counts["clicks"],
        unique_clickers=counts["unique_clickers"], replies=counts["replies"], unsubscribes=counts["unsubscribes"],
        scoped_unsubscribes=counts["scoped_unsubscribes"],
        unsubscribe_scope_title=unsubscribe_scope_title(mailing.unsubscribe_scope),
        links=_links(mailing),
    )
    moments = [moment for moment in (totals["first_sent"], totals["last_sent"], counts["first_click"],
                                     counts["last_click"], open_range["first"], open_range["last"]) if moment]
    if moments:
        unit = "hour" if max(moments) - min(moments) <= timedelta(hours=max_hours) else "day"
        series = {
            "delivered": messages.filter(accepted).values(bucket=_trunc(unit, "sent_at")),
            "opens": first_opens.values(bucket=_trunc(unit, "occurred_at")),
            "clicks": events.filter(clicked).values(bucket=_trunc(unit, "occurred_at")),
        }
        report.bucket_unit = unit
        report.buckets = _buckets(min(moments), max(moments), unit, {
            name: rows.annotate(n=Count("id")).order_by().values_list("bucket", "n")
            for name, rows in series.items()})
    return report


def _links(mailing: Mailing) -> list[dict]:
    """Clicks per URL, most clicked first. "index" is the link number recorded with the URL's latest click."""
    clicks = MessageEvent.objects.filter(message__mailing=mailing, kind=Kind.CLICK).annotate(
        link_url=Coalesce(KT("data__url"), EMPTY_TEXT))
    rows = list(clicks.values("link_url").annotate(
        clicks=Count("id"), unique=Count("message_id", distinct=True), last_at=Max("occurred_at")).order_by())
    # The latest click per URL in a second query, matched on (URL, time) and grouped by link number, so
    # it returns a row per link too: a correlated subquery per URL would be run once per click row by
    # PostgreSQL, and SQLite has no DISTINCT ON.
    latest = {}
    if rows:
        at_last = reduce(or_, (Q(link_url=row["link_url"], occurred_at=row["last_at"]) for row in rows))
        candidates = clicks.filter(at_last).values("link_url", "data__index").annotate(last_id=Max("id")).order_by()
        for row in candidates:
            # Clicks on one URL at the same instant: the one stored last, as "-occurred_at, -id" ordered.
            if row["last_id"] > latest.get(row["link_url"], (0, None))[0]:
                latest[row["link_url"]] = (row["last_id"], row["data__index"])
    links = [{"url": row["link_url"], "index": latest[row["link_url"]][1], "clicks": row["clicks"],
              "unique": row["unique"]} for row in rows]
    return sorted(links, key=lambda link: (-link["clicks"], link["url"]))


def _trunc(unit: str, field_name: str):
    # Truncated in the current time zone (the default), so buckets start at local hours and midnights.
    return TruncHour(field_name) if unit == "hour" else TruncDay(field_name)


def _buckets(first: datetime, last: datetime, unit: str, counts: dict) -> list[ReportBucket]:
    step = timedelta(hours=1) if unit == "hour" else timedelta(days=1)
    start, end = _bucket_start(first, unit), _bucket_start(last, unit)
    buckets, index = [], {}
    moment = start
    while moment <= end:
        index[moment] = len(buckets)
        buckets.append(ReportBucket(start=moment))
        # Step in local time but re-normalise, so a DST change does not shift the grid.
        moment = _bucket_start(moment + step + timedelta(minutes=30 if unit == "hour" else 120), unit)
    for name, rows in counts.items():
        for bucket_start, number in rows:
            # Re-normalised like the grid, so the database's truncation meets the same key.
            bucket = buckets[index[_bucket_start(bucket_start, unit)]]
            setattr(bucket, name, getattr(bucket, name) + number)
    return buckets
