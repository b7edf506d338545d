"""What the press office sees first: what is due, what came back, what is being sent and what went out."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from outreach.models import ActivityEvent, FollowUp, InboundMessage, Mailing, Message
from outreach.selectors_mailings import mailing_progress

# With no earlier visit known (a first login), "new" means this recent.
DEFAULT_LOOKBACK = timedelta(days=7)
LIST_LENGTH = 8


@dataclass(frozen=True)
class FinishedMailing:
    mailing: Mailing
    recipients: int
    accepted: int
    bounced: int
    replies: int


@dataclass(frozen=True)
class PressDashboard:
    since: datetime
    follow_ups_due: list[FollowUp]
    replies: list[InboundMessage]
    active_mailings: list[tuple[Mailing, dict]]
    finished_mailings: list[FinishedMailing]
    contact_changes: list[ActivityEvent]

    @property
    def is_empty(self) -> bool:
        return not (self.follow_ups_due or self.replies or self.active_mailings or self.finished_mailings
                    or self.contact_changes)


def press_dashboard(*, user, since: datetime | None, today: date | None = None) -> PressDashboard:
    """Everything on the press office's dashboard, in a fixed number of queries.

    `since` is the user's previous visit: replies and contacts that bounced or objected are
    shown from then on. Follow-ups are the user's own and unassigned ones, due today or earlier.
    """
    today = today or timezone.localdate()
    since = since or timezone.now() - DEFAULT_LOOKBACK
    follow_ups = list(
        FollowUp.objects.filter(status=FollowUp.Status.OPEN, due_on__lte=today)
        .filter(Q(owner=user) | Q(owner__isnull=True))
        .select_related("contact").order_by("due_on", "id")[:LIST_LENGTH]
    )
    replies = list(
        InboundMessage.objects.filter(kind=InboundMessage.Kind.REPLY, is_auto_reply=False, received_at__gte=since)
        .select_related("contact", "mailing")[:LIST_LENGTH]
    )
    active = [
        (mailing, mailing_progress(mailing=mailing))
        for mailing in Mailing.objects.filter(
            status__in=(Mailing.Status.SCHEDULED, Mailing.Status.SENDING, Mailing.Status.PAUSED)
        ).order_by("scheduled_at", "-created_at")[:LIST_LENGTH]
    ]
    changes = list(
        ActivityEvent.objects.filter(
            occurred_at__gte=since,
            kind__in=(ActivityEvent.Kind.BOUNCED, ActivityEvent.Kind.COMPLAINED, ActivityEvent.Kind.OBJECTED,
                      ActivityEvent.Kind.UNSUBSCRIBED),
        ).select_related("contact")[:LIST_LENGTH]
    )
    return PressDashboard(since=since, follow_ups_due=follow_ups, replies=replies, active_mailings=active,
                          finished_mailings=_finished_mailings(), contact_changes=changes)


def _finished_mailings(limit: int = 5) -> list[FinishedMailing]:
    mailings = list(Mailing.objects.filter(status=Mailing.Status.SENT).order_by("-finished_at", "-id")[:limit])
    ids = [mailing.id for mailing in mailings]
    counts = {
        row["mailing_id"]: row
        for row in Message.objects.filter(mailing_id__in=ids).values("mailing_id").annotate(
            total=Count("id"),
            accepted=Count("id", filter=Q(status=Message.Status.ACCEPTED)),
            bounced=Count("id", filter=Q(status=Message.Status.BOUNCED)),
        )
    }
    replies = dict(
        InboundMessage.objects.filter(mailing_id__in=ids, kind=InboundMessage.Kind.REPLY, is_auto_reply=False)
        .values("mailing_id").annotate(n=Count("id")).values_list("mailing_id", "n")
    )
    return [
        FinishedMailing(
            mailing=mailing,
            recipients=counts.get(mailing.id, {}).get("total", 0),
            accepted=counts.get(mailing.id, {}).get("accepted", 0),
            bounced=counts.get(mailing.id, {}).get("bounced", 0),
            replies=replies.get(mailing.id, 0),
        )
        for mailing in mailings
    ]
