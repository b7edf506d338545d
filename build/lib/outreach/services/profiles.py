"""Journalist and protagonist profiles of a contact, and follow-up edits: what the admin forms save."""

from django.db import transaction

from outreach.models import ActivityEvent, Contact, FollowUp, JournalistProfile, ProtagonistProfile
from outreach.services.activity import activity_record

JOURNALIST_FIELDS = ("outlet", "role", "media_type", "languages")
JOURNALIST_M2M = ("beats", "regions")
PROTAGONIST_FIELDS = ("organisation", "function", "kind")
PROTAGONIST_M2M = ("regions", "initiatives")
FOLLOW_UP_FIELDS = ("title", "due_on", "owner")


def _profile_save(model, *, contact: Contact, fields: dict, m2m: dict, allowed, allowed_m2m, actor, label) -> object:
    unknown = (set(fields) - set(allowed)) | (set(m2m) - set(allowed_m2m))
    if unknown:
        raise ValueError(f"Not editable on {model.__name__}: {sorted(unknown)}")
    profile = model.objects.filter(contact=contact).first()
    is_new = profile is None
    profile = profile or model(contact=contact)
    changed = [name for name, value in fields.items() if is_new or getattr(profile, name) != value]
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["contact"])
    profile.save()
    for name, values in m2m.items():
        before = set() if is_new else set(getattr(profile, name).values_list("pk", flat=True))
        after = {item.pk for item in values}
        if before != after:
            getattr(profile, name).set(values)
            changed.append(name)
    if is_new or changed:
        activity_record(contact=contact, kind=ActivityEvent.Kind.EDITED, actor=actor,
                        summary=f"{label}: {', '.join(changed)}" if changed else label,
                        data={"profile": label, "fields": changed})
    return profile


@transaction.atomic
def journalist_profile_save(*, contact: Contact, actor=None, beats=None, regions=None, **fields) -> JournalistProfile:
    """Create or change the contact's journalist profile; records changed fields on the timeline."""
    m2m = {name: value for name, value in (("beats", beats), ("regions", regions)) if value is not None}
    return _profile_save(JournalistProfile, contact=contact, fields=fields, m2m=m2m, allowed=JOURNALIST_FIELDS,
                         allowed_m2m=JOURNALIST_M2M, actor=actor, label="journalist profile")


@transaction.atomic
def protagonist_profile_save(
    *, contact: Contact, actor=None, regions=None, initiatives=None, **fields
) -> ProtagonistProfile:
    """Create or change the contact's protagonist profile; records changed fields on the timeline."""
    m2m = {name: value for name, value in (("regions", regions), ("initiatives", initiatives)) if value is not None}
    return _profile_save(ProtagonistProfile, contact=contact, fields=fields, m2m=m2m, allowed=PROTAGONIST_FIELDS,
                         allowed_m2m=PROTAGONIST_M2M, actor=actor, label="protagonist profile")


@transaction.atomic
def follow_up_update(*, follow_up: FollowUp, **fields) -> FollowUp:
    """Change title, due date or owner of a follow-up."""
    unknown = set(fields) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise ValueError(f"Not editable on FollowUp: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(follow_up, name, value)
    follow_up.full_clean()
    follow_up.save()
    return follow_up
