"""Organisations (outlets, companies, works councils...)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from outreach.models import Organisation

FIELDS = ("name", "kind", "website", "city", "notes")


def organisation_name_check(*, name: str, organisation: Organisation | None = None) -> str:
    """The trimmed name, or ValidationError if another organisation has it (names are unique ignoring case)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the organisation a name."))
    others = Organisation.objects.filter(name__iexact=name)
    if organisation is not None and organisation.pk:
        others = others.exclude(pk=organisation.pk)
    if others.exists():
        raise ValidationError(_("An organisation named %(name)s exists already.") % {"name": name})
    return name


@transaction.atomic
def organisation_save(*, organisation: Organisation | None = None, **fields) -> Organisation:
    """Create or change an organisation."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not editable on Organisation: {sorted(unknown)}")
    organisation = organisation or Organisation()
    if "name" in fields:
        fields["name"] = organisation_name_check(name=fields["name"], organisation=organisation)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation
