"""The press office: the only group that sees the press contact database."""

from typing import Callable

from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, transaction

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
    # The image block of a mailing: choose a picture from the library, or upload one from the chooser.
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    # Wagtail's image policy matches codenames of its own Image model ("add_image"), not the custom model's.
    for app_label, codename in (("media", "choose_image"), ("wagtailimages", "add_image")):
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
    return group


def rights_after_migrate(ensure: Callable[[], Group]) -> Callable:
    """A post_migrate receiver that runs `ensure` once the app's permissions exist.

    A fresh production install gets its roles from `migrate`, not from the demo loaders. The app's
    permissions are made by django.contrib.auth's own post_migrate receiver, which may run after
    this one (our apps come first in INSTALLED_APPS), so they are made here first; both are idempotent.
    """

    def receiver(sender, using=DEFAULT_DB_ALIAS, **kwargs):
        from django.contrib.auth.management import create_permissions

        create_permissions(sender, verbosity=0, using=using)
        ensure()

    return receiver
