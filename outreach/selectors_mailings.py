"""Reads of mailings for the admin: audience estimate, preview, progress, report.

Nothing here writes. The numbers of a running or finished mailing come from
its Message and MessageEvent rows; the estimate of a draft comes from the same
audience query the freeze uses (outreach.services.mailings.mailing_audience),
so "what you see" before sending is what the freeze will count.
"""

import html
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from outreach.models import Contact, Mailing, MailingContent, Message, MessageEvent
from outreach.rendering import compile_template, render_content
from outreach.segments import not_suppressed
from outreach.services.mailings import mailing_audience
from outreach.services.sending import recipient_values

Status = Message.Status
Kind = MessageEvent.Kind
RATE_WINDOW_SECONDS = 30


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
        "rate_window": RATE_WINDOW_SECONDS,
        "finished": finished,
        "can_pause": mailing.status == Mailing.Status.SENDING,
        "can_resume": mailing.status == Mailing.Status.PAUSED,
        "can_cancel": mailing.status in (Mailing.Status.SENDING, Mailing.Status.PAUSED, Mailing.Status.SCHEDULED),
    }


HARD_WORDS = {"hard", "permanent"}
SOFT_WORDS = {"soft", "transient"}


def bounce_kind(data: dict) -> str:
    """"hard", "soft" or "" from what the bounce event recorded (SES type, DSN/SMTP code)."""
    for key in ("bounce_type", "type", "bounceType"):
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


def _is_prefetch(data) -> bool:
    return bool(isinstance(data, dict) and data.get("privacy_prefetch"))


def _bucket_start(moment: datetime, unit: str) -> datetime:
    moment = timezone.localtime(moment).replace(minute=0, second=0, microsecond=0)
    return moment.replace(hour=0) if unit == "day" else moment


def mailing_report(*, mailing: Mailing, max_hours: int = 72) -> MailingReport:
    """The mailing's outcome from its messages and events. Opens count once per message and leave out
    Apple Mail Privacy Protection prefetches (data {"privacy_prefetch": true}), which no person caused."""
    messages = Message.objects.filter(mailing=mailing)
    by_status = dict(messages.values_list("status").annotate(n=Count("id")))
    events = list(MessageEvent.objects.filter(message__mailing=mailing).values_list(
        "message_id", "kind", "occurred_at", "data"))
    opened, clickers, unsubscribed, bounce_kinds = set(), set(), set(), {}
    first_open, kinds, prefetches, links = {}, Counter(), 0, {}
    clicks_at = []
    for message_id, kind, occurred_at, data in events:
        data = data if isinstance(data, dict) else {}
        kinds[kind] += 1
        if kind == Kind.OPEN:
            if _is_prefetch(data):
                prefetches += 1
                continue
            opened.add(message_id)
            first_open[message_id] = min(occurred_at, first_open.get(message_id, occurred_at))
        elif kind == Kind.CLICK:
            clickers.add(message_id)
            clicks_at.append(occurred_at)
            url = str(data.get("url", ""))
            link = links.setdefault(url, {"url": url, "index": data.get("index"), "clicks": 0, "messages": set()})
            link["clicks"] += 1
            link["messages"].add(message_id)
        elif kind == Kind.UNSUBSCRIBE:
            unsubscribed.add(message_id)
        elif kind == Kind.BOUNCE:
            # A soft bounce followed by a hard one for the same message is a hard bounce.
            found = bounce_kind(data)
            if bounce_kinds.get(message_id) != "hard":
                bounce_kinds[message_id] = found or bounce_kinds.get(message_id, "")
    bounced_ids = set(bounce_kinds) | set(messages.filter(status=Status.BOUNCED).values_list("id", flat=True))
    sent_times = list(messages.filter(status=Status.ACCEPTED, sent_at__isnull=False).values_list("sent_at", flat=True))
    report = MailingReport(
        recipients=sum(by_status.values()), delivered=by_status.get(Status.ACCEPTED, 0),
        failed=by_status.get(Status.FAILED, 0), cancelled=by_status.get(Status.CANCELLED, 0),
        bounced=len(bounced_ids), bounced_hard=sum(1 for k in bounce_kinds.values() if k == "hard"),
        bounced_soft=sum(1 for k in bounce_kinds.values() if k == "soft"),
        complaints=kinds[Kind.COMPLAINT], unique_opens=len(opened), privacy_prefetches=prefetches,
        clicks=kinds[Kind.CLICK], unique_clickers=len(clickers), replies=kinds[Kind.REPLY],
        unsubscribes=len(unsubscribed),
        links=sorted(({"url": link["url"], "index": link["index"], "clicks": link["clicks"],
                       "unique": len(link["messages"])} for link in links.values()),
                     key=lambda link: (-link["clicks"], link["url"])),
    )
    report.bucket_unit, report.buckets = _buckets(sent_times, list(first_open.values()), clicks_at, max_hours)
    return report


def _buckets(sent, opens, clicks, max_hours):
    moments = sent + opens + clicks
    if not moments:
        return "hour", []
    first, last = min(moments), max(moments)
    unit = "hour" if last - first <= timedelta(hours=max_hours) else "day"
    step = timedelta(hours=1) if unit == "hour" else timedelta(days=1)
    start, end = _bucket_start(first, unit), _bucket_start(last, unit)
    buckets, index = [], {}
    moment = start
    while moment <= end:
        index[moment] = len(buckets)
        buckets.append(ReportBucket(start=moment))
        # Step in local time but re-normalise, so a DST change does not shift the grid.
        moment = _bucket_start(moment + step + timedelta(minutes=30 if unit == "hour" else 120), unit)
    for name, values in (("delivered", sent), ("opens", opens), ("clicks", clicks)):
        for value in values:
            bucket = buckets[index[_bucket_start(value, unit)]]
            setattr(bucket, name, getattr(bucket, name) + 1)
    return unit, buckets
