"""Art. 15 GDPR: everything held about one person, as plain data."""

from datetime import date, datetime

from django.db import models, transaction
from django.utils import timezone

from outreach.models import ActivityEvent, Contact, ExportLog, SuppressionEntry
from outreach.services.activity import activity_record


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def _fields(instance: models.Model, *, exclude=()) -> dict:
    """Every concrete, non-relational-table field of a row, so a new model field is exported without a change here."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(instance, field.name)
        data[field.name] = _plain(value)
        if field.choices and value:
            data[f"{field.name}_display"] = str(getattr(instance, f"get_{field.name}_display")())
    return data


def _profile(profile, *, m2m) -> dict | None:
    if profile is None:
        return None
    data = _fields(profile, exclude=("id", "contact"))
    for name in m2m:
        data[name] = [str(item) for item in getattr(profile, name).all()]
    return data


@transaction.atomic
def contact_data_export(*, contact: Contact, actor=None) -> dict:
    """Everything held about the contact: fields, profiles, lists, timeline, follow-ups, suppression.

    The disclosure itself is logged (ExportLog, by contact id so the log keeps no
    address) and put on the timeline after the data was gathered. Not
    idempotent: each call is logged.
    """
    contact = Contact.objects.select_related("organisation", "created_by").get(pk=contact.pk)
    suppression = SuppressionEntry.objects.filter(email_hash=contact.email_hash).first()
    data = {
        "generated_at": timezone.now().isoformat(),
        "contact": {
            **_fields(contact),
            "tags": sorted(tag.name for tag in contact.tags.all()),
        },
        "organisation": _fields(contact.organisation, exclude=("id",)) if contact.organisation else None,
        "journalist_profile": _profile(getattr(contact, "journalist", None), m2m=("beats", "regions")),
        "protagonist_profile": _profile(getattr(contact, "protagonist", None), m2m=("regions", "initiatives")),
        "lists": [
            {"list": membership.contact_list.name, "added_at": _plain(membership.added_at)}
            for membership in contact.memberships.select_related("contact_list").order_by("added_at")
        ],
        "activity": [
            {
                "kind": event.kind, "kind_display": str(event.get_kind_display()),
                "occurred_at": _plain(event.occurred_at), "by": str(event.actor) if event.actor else None,
                "summary": event.summary, "about": event.subject, "details": event.data,
            }
            for event in contact.activity.select_related("actor").order_by("occurred_at", "id")
        ],
        "follow_ups": [
            _fields(follow_up, exclude=("id", "contact"))
            for follow_up in contact.follow_ups.select_related("owner").order_by("due_on")
        ],
        "suppression": {
            "is_suppressed": suppression is not None,
            "reason": suppression.reason if suppression else None,
            "reason_display": str(suppression.get_reason_display()) if suppression else None,
            "since": _plain(suppression.created_at) if suppression else None,
        },
    }
    ExportLog.objects.create(
        exported_by=actor, description=f"Data-subject export (Art. 15 GDPR) of contact #{contact.pk}",
        file_format="json", row_count=1,
    )
    activity_record(contact=contact, kind=ActivityEvent.Kind.EXPORTED, actor=actor,
                    summary="Data-subject export (Art. 15 GDPR)")
    return data
