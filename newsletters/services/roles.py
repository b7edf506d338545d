"""Who manages newsletters: the press office, which already holds the contact database."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from outreach.services.roles import PRESS_OFFICE_GROUP


@transaction.atomic
def newsletter_roles_ensure() -> Group:
    """Give the press office every newsletters right. Safe to call twice. Nobody else gets them."""
    group, _created = Group.objects.get_or_create(name=PRESS_OFFICE_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="newsletters"))
    return group
