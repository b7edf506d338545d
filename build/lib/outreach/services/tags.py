"""Tags of contacts (taggit), set by hand or for many contacts at once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from taggit.models import Tag

from outreach.models import ActivityEvent, Contact
from outreach.services.activity import activity_record, activity_record_many

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length


def tag_names_clean(raw) -> list[str]:
    """Names from a list or a comma-separated string, trimmed, without duplicates; or ValidationError."""
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    names = list(dict.fromkeys(str(part).strip() for part in parts if str(part).strip()))
    too_long = [name for name in names if len(name) > TAG_MAX_LENGTH]
    if too_long:
        raise ValidationError(_("The tag %(tag)r is longer than %(max)s characters.")
                              % {"tag": too_long[0][:40] + "…", "max": TAG_MAX_LENGTH})
    return names


@transaction.atomic
def contacts_tag(*, contact_ids, tags, actor=None) -> int:
    """Add tags to many contacts (a bulk action). Tags they have already are kept. Safe to call twice.

    Returns how many contacts got at least one new tag; only those get an 'edited' event.
    """
    names = tag_names_clean(tags)
    if not names:
        raise ValidationError(_("Give at least one tag."))
    changed = []
    for contact in Contact.objects.filter(pk__in=list(contact_ids)).prefetch_related("tags"):
        missing = [name for name in names if name not in {tag.name for tag in contact.tags.all()}]
        if missing:
            contact.tags.add(*missing)
            changed.append(contact.pk)
    activity_record_many(contact_ids=changed, kind=ActivityEvent.Kind.EDITED, actor=actor,
                         summary=_("tags: %(tags)s") % {"tags": ", ".join(names)})
    return len(changed)


@transaction.atomic
def contact_tags_set(*, contact: Contact, tags, actor=None) -> bool:
    """Make the contact's tags exactly these. Returns whether anything changed (and only then records it)."""
    names = tag_names_clean(tags)
    if set(names) == {tag.name for tag in contact.tags.all()}:
        return False
    contact.tags.set(names)
    activity_record(contact=contact, kind=ActivityEvent.Kind.EDITED, actor=actor, summary=_("tags"),
                    data={"fields": ["tags"]})
    return True
