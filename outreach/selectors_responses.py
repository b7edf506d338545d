"""What came back from each recipient of some mailings: received, opened, clicked, replied, bounced, left.

The per-recipient counterpart of the mailing report (selectors_mailings.mailing_report), for apps that
show the responses to what they mailed (a press release's distributions). Reached through the door
(outreach.mailable.recipient_responses and friends), so those apps need not know Message or MessageEvent.

Every read is one query whatever the number of recipients: the first open, click, unsubscribe and
bounce and the latest reply are correlated subqueries on the message row, not one query per row.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from outreach.mailable_responses import ResponseTotals
from outreach.models import FollowUp, InboundMessage, Message, MessageEvent, SuppressionEntry, email_hash
from outreach.selectors_mailings import _is_prefetch_sql

Kind = MessageEvent.Kind

# What the response list can be narrowed to; "not_replied" is where follow-ups start.
RESPONSE_FILTERS = ("received", "opened", "not_opened", "clicked", "replied", "not_replied", "bounced",
                    "unsubscribed")


@dataclass(frozen=True)
class RecipientResponse:
    message_id: int
    mailing_id: int
    contact_id: int | None
    name: str
    email: str
    organisation: str
    status: str
    status_label: str
    sent_at: datetime | None
    opened_at: datetime | None
    clicked_at: datetime | None
    replied_at: datetime | None
    reply_text: str
    bounced_at: datetime | None
    unsubscribed_at: datetime | None
    follow_up_due_on: date | None  # an open follow-up about follow_up_subject, if any

    @property
    def is_received(self) -> bool:
        return self.status == Message.Status.ACCEPTED

    @property
    def is_bounced(self) -> bool:
        return self.status == Message.Status.BOUNCED or self.bounced_at is not None

    @property
    def has_replied(self) -> bool:
        return self.replied_at is not None


def _first_event(kind: str, *, people_only: bool = False) -> Subquery:
    events = MessageEvent.objects.filter(message_id=OuterRef("pk"), kind=kind)
    if people_only:
        events = events.alias(is_prefetch=_is_prefetch_sql()).filter(is_prefetch=False)
    return Subquery(events.order_by("occurred_at", "id").values("occurred_at")[:1])


def _replies() -> QuerySet:
    # An out-of-office is no answer: it neither counts as a reply nor closes a follow-up.
    return InboundMessage.objects.filter(message_id=OuterRef("pk"), kind=InboundMessage.Kind.REPLY,
                                         is_auto_reply=False).order_by("-received_at", "-id")


def _annotated(mailing_ids: list[int]) -> QuerySet:
    return Message.objects.filter(mailing_id__in=mailing_ids).annotate(
        opened_at=_first_event(Kind.OPEN, people_only=True),
        clicked_at=_first_event(Kind.CLICK),
        unsubscribed_at=_first_event(Kind.UNSUBSCRIBE),
        bounced_at=_first_event(Kind.BOUNCE),
        replied_at=Subquery(_replies().values("received_at")[:1]),
    )


def _narrowed(messages: QuerySet, show: str) -> QuerySet:
    bounced = Q(status=Message.Status.BOUNCED) | Q(bounced_at__isnull=False)
    conditions = {
        "received": Q(status=Message.Status.ACCEPTED),
        "opened": Q(opened_at__isnull=False),
        "not_opened": Q(opened_at__isnull=True, status=Message.Status.ACCEPTED),
        "clicked": Q(clicked_at__isnull=False),
        "replied": Q(replied_at__isnull=False),
        # Only people the mail reached can be followed up; a bounce is no silence.
        "not_replied": Q(replied_at__isnull=True, status=Message.Status.ACCEPTED, unsubscribed_at__isnull=True),
        "bounced": bounced,
        "unsubscribed": Q(unsubscribed_at__isnull=False),
    }
    return messages.filter(conditions[show]) if show in conditions else messages


def recipient_responses(*, mailing_ids: list[int], show: str = "", follow_up_subject: str = "",
                        contact_ids: list[int] | None = None) -> QuerySet:
    """The messages of these mailings, each annotated with what came back, ordered by name; narrowed to
    one of RESPONSE_FILTERS when show names one (anything else: everybody), and to contact_ids if given.
    A lazy queryset of Message: slice or paginate it, then turn rows into RecipientResponse with
    recipient_response_rows (one query for the slice)."""
    messages = _narrowed(_annotated(mailing_ids), show)
    if contact_ids is not None:
        messages = messages.filter(contact_id__in=contact_ids)
    messages = messages.annotate(reply_text=Subquery(_replies().values("text")[:1]))
    if follow_up_subject:
        messages = messages.annotate(follow_up_due_on=Subquery(
            FollowUp.objects.filter(contact_id=OuterRef("contact_id"), subject=follow_up_subject,
                                    status=FollowUp.Status.OPEN).order_by("due_on").values("due_on")[:1]))
    return (messages.select_related("contact__organisation")
            .order_by("contact__last_name", "contact__first_name", "email", "mailing_id"))


def recipient_response_rows(messages) -> list[RecipientResponse]:
    """Plain rows of (a slice of) recipient_responses: nothing is read per row."""
    rows = []
    for message in messages:
        contact = message.contact
        rows.append(RecipientResponse(
            message_id=message.pk, mailing_id=message.mailing_id, contact_id=message.contact_id,
            name=contact.full_name if contact is not None else "",
            email=message.email,
            organisation=(contact.organisation.name if contact is not None and contact.organisation else ""),
            status=message.status, status_label=message.get_status_display(), sent_at=message.sent_at,
            opened_at=message.opened_at, clicked_at=message.clicked_at, replied_at=message.replied_at,
            reply_text=message.reply_text or "", bounced_at=message.bounced_at,
            unsubscribed_at=message.unsubscribed_at,
            follow_up_due_on=getattr(message, "follow_up_due_on", None),
        ))
    return rows


def response_totals(*, mailing_ids: list[int]) -> dict[int, ResponseTotals]:
    """Counts per mailing, each recipient counted once per kind: {mailing_id: ResponseTotals}. One query."""
    rows = (
        _annotated(mailing_ids).values("mailing_id").order_by("mailing_id").annotate(
            recipients=Count("id"),
            received=Count("id", filter=Q(status=Message.Status.ACCEPTED)),
            opened=Count("id", filter=Q(opened_at__isnull=False)),
            clicked=Count("id", filter=Q(clicked_at__isnull=False)),
            replied=Count("id", filter=Q(Exists(_replies()))),
            bounced=Count("id", filter=Q(status=Message.Status.BOUNCED) | Q(bounced_at__isnull=False)),
            unsubscribed=Count("id", filter=Q(unsubscribed_at__isnull=False)),
        )
    )
    return {row.pop("mailing_id"): ResponseTotals(**row) for row in rows}


def suppressed_addresses(emails: list[str]) -> set[str]:
    """Which of these addresses are on the suppression list. One query."""
    hashes = {email_hash(email): email for email in emails}
    return {hashes[found] for found in SuppressionEntry.objects.filter(email_hash__in=list(hashes))
            .values_list("email_hash", flat=True)}
