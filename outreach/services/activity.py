from datetime import date

from django.db import transaction
from django.utils import timezone

from outreach.imports.copying import copy_rows
from outreach.models import ActivityEvent, Contact, FollowUp


def activity_record(
    *, contact: Contact, kind: str, actor=None, summary: str = "", subject: str = "", data: dict | None = None,
    occurred_at=None,
) -> ActivityEvent:
    """Add one event to a contact's timeline."""
    return ActivityEvent.objects.create(
        contact=contact, kind=kind, actor=actor, summary=summary[:500], subject=subject, data=data or {},
        occurred_at=occurred_at or timezone.now(),
    )


def activity_record_many(*, contact_ids, kind: str, actor=None, summary: str = "", subject: str = "") -> int:
    """The same event for many contacts in one insert (bulk actions, imports)."""
    now = timezone.now()
    actor_id = actor.pk if actor is not None else None
    data = {}  # one object for all rows: copy_rows adapts it once
    summary, kind = summary[:500], str(kind)  # str(): the choice's value, whatever adapter a driver has for enums
    # Plain rows through COPY: an import records one event per contact, and model instances plus
    # bulk_create's per-value preparation cost more than the rest of the batch's writes together.
    return copy_rows(
        ActivityEvent, ["contact_id", "kind", "actor_id", "summary", "subject", "occurred_at", "data"],
        [(contact_id, kind, actor_id, summary, subject, now, data) for contact_id in contact_ids],
    )


@transaction.atomic
def follow_up_create(*, contact: Contact, title: str, due_on: date, owner=None, subject: str = "") -> FollowUp:
    return FollowUp.objects.create(contact=contact, title=title, due_on=due_on, owner=owner, subject=subject)


@transaction.atomic
def follow_up_close(*, follow_up: FollowUp, actor=None) -> FollowUp:
    """Mark done. Safe to call twice."""
    if follow_up.status != FollowUp.Status.DONE:
        follow_up.status = FollowUp.Status.DONE
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["status", "done_at"])
    return follow_up


@transaction.atomic
def follow_ups_create_many(*, contact_ids, title: str, due_on: date, owner=None, subject: str = "") -> int:
    """One open follow-up per contact about `subject`. A contact who has an open one about it already is
    skipped, so calling it twice creates nothing more. Returns how many were created."""
    contact_ids = list(dict.fromkeys(contact_ids))
    already = set(FollowUp.objects.filter(contact_id__in=contact_ids, subject=subject, status=FollowUp.Status.OPEN)
                  .values_list("contact_id", flat=True))
    created = FollowUp.objects.bulk_create([
        FollowUp(contact_id=contact_id, title=title[:255], due_on=due_on, owner=owner, subject=subject)
        for contact_id in Contact.objects.filter(pk__in=contact_ids).exclude(pk__in=already)
        .values_list("pk", flat=True)
    ])
    return len(created)


def follow_ups_close_for_subject(*, contact: Contact, subject: str, also_about: tuple[str, ...] = ()) -> int:
    """Close the contact's open follow-ups about one thing (e.g. a mailing that got a reply), and about
    the other references in also_about (the mailing's source: a press release)."""
    subjects = [item for item in (subject, *also_about) if item]
    return FollowUp.objects.filter(contact=contact, subject__in=subjects, status=FollowUp.Status.OPEN).update(
        status=FollowUp.Status.DONE, done_at=timezone.now()
    )
