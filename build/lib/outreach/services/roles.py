"""The press office: the only group that sees the press contact database."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

PRESS_OFFICE_GROUP = "Press office"


@transaction.atomic
def press_office_group_ensure() -> Group:
    """Give the press office every outreach right and admin access. Safe to call twice.

    Nobody else gets outreach rights: editors and initiative partners lack
    them, so the outreach viewsets' permission policy keeps them out.
    """
    group, _created = Group.objects.get_or_create(name=PRESS_OFFICE_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="outreach"),
    )
    return group
