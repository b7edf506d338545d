"""Lists and segments."""

from django.db import transaction

from outreach.models import ActivityEvent, ContactList, ListMembership, Segment
from outreach.segments import contacts_matching, resolve_keys, validate_rules
from outreach.services.activity import activity_record_many


@transaction.atomic
def list_add_contacts(*, contact_list: ContactList, contact_ids, actor=None) -> int:
    """Add contacts to a static list. Those already on it are left alone. Returns how many were added."""
    ids = set(contact_ids)
    already = set(
        ListMembership.objects.filter(contact_list=contact_list, contact_id__in=ids).values_list("contact_id", flat=True)
    )
    new_ids = sorted(ids - already)
    ListMembership.objects.bulk_create(
        [ListMembership(contact_list=contact_list, contact_id=cid, added_by=actor) for cid in new_ids],
        batch_size=2000, ignore_conflicts=True,
    )
    activity_record_many(contact_ids=new_ids, kind=ActivityEvent.Kind.ADDED_TO_LIST, actor=actor,
                         summary=contact_list.name, subject=f"outreach.contactlist:{contact_list.pk}")
    return len(new_ids)


@transaction.atomic
def list_remove_contacts(*, contact_list: ContactList, contact_ids, actor=None) -> int:
    ids = list(
        ListMembership.objects.filter(contact_list=contact_list, contact_id__in=contact_ids).values_list("contact_id", flat=True)
    )
    ListMembership.objects.filter(contact_list=contact_list, contact_id__in=ids).delete()
    activity_record_many(contact_ids=ids, kind=ActivityEvent.Kind.REMOVED_FROM_LIST, actor=actor,
                         summary=contact_list.name, subject=f"outreach.contactlist:{contact_list.pk}")
    return len(ids)


@transaction.atomic
def segment_save(*, name: str, rules: dict, description: str = "", segment: Segment | None = None) -> Segment:
    """Create or change a segment; rules that cannot be evaluated raise ValidationError and nothing is stored."""
    validate_rules(rules)
    # Beats and regions are stored with their translation keys too, so that a
    # count is one query and a renamed slug does not change the segment.
    rules = {**rules, "conditions": [
        {**condition, "keys": resolve_keys(condition["field"], condition["value"])}
        if condition["field"] in ("beat", "region") else condition
        for condition in rules["conditions"]
    ]}
    segment = segment or Segment()
    segment.name, segment.rules, segment.description = name, rules, description
    segment.full_clean()
    segment.save()
    return segment


def segment_count(*, segment: Segment) -> int:
    """Current size (suppressed contacts left out), in one COUNT query."""
    return contacts_matching(segment.rules).count()
