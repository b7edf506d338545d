"""Static lists as records: name and description (members go through outreach.services.audiences)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from outreach.models import ContactList


@transaction.atomic
def contact_list_save(*, name: str, description: str = "", contact_list: ContactList | None = None) -> ContactList:
    """Create or rename a list; names are unique (ignoring case), or ValidationError."""
    name = (name or "").strip()
    others = ContactList.objects.filter(name__iexact=name)
    if contact_list is not None and contact_list.pk:
        others = others.exclude(pk=contact_list.pk)
    if others.exists():
        raise ValidationError(_("A list named %(name)s exists already.") % {"name": name})
    contact_list = contact_list or ContactList()
    contact_list.name, contact_list.description = name, description
    contact_list.full_clean()
    contact_list.save()
    return contact_list
