"""The mailing report as it was counted before the database did it: every event loaded and counted in Python.

Kept only as a reference for tests/outreach/test_selectors_mailing_report.py, which checks that the
aggregate queries of outreach.selectors_mailings.mailing_report give the same report on the same rows.
Do not use it elsewhere: it reads every event of a mailing.
"""

from collections import Counter
from datetime import timedelta

from django.db.models import Count

from outreach.models import Mailing, Message, MessageEvent
from outreach.selectors_mailings import MailingReport, ReportBucket, _bucket_start, bounce_kind

Status = Message.Status
Kind = MessageEvent.Kind


def mailing_report_in_python(*, mailing: Mailing, max_hours: int = 72) -> MailingReport:
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
            if data.get("privacy_prefetch"):
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
        moment = _bucket_start(moment + step + timedelta(minutes=30 if unit == "hour" else 120), unit)
    for name, values in (("delivered", sent), ("opens", opens), ("clicks", clicks)):
        for value in values:
            bucket = buckets[index[_bucket_start(value, unit)]]
            setattr(bucket, name, getattr(bucket, name) + 1)
    return unit, buckets
