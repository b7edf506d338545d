"""The press office writes and publishes press releases: rights on every newsroom, its snippets and media.

Granted after every migrate and for each newsroom as it is created (press.signal_handlers), so the rights
never depend on the demo loader.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from outreach.services.roles import press_office_group_ensure

NEWSROOM_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
MEDIA_PERMISSIONS = {
    "media": ["add_creditedimage", "change_creditedimage", "choose_image",
              "add_crediteddocument", "change_crediteddocument", "choose_document"],
}


@transaction.atomic
def press_office_newsroom_page_grant(*, newsroom, group: Group | None = None) -> None:
    """The page rights on one newsroom and the releases below it. Safe to call twice."""
    group = group or press_office_group_ensure()
    for permission in Permission.objects.filter(content_type__app_label="wagtailcore",
                                                codename__in=NEWSROOM_PAGE_PERMISSIONS):
        GroupPagePermission.objects.get_or_create(group=group, page_id=newsroom.pk, permission=permission)


@transaction.atomic
def press_office_newsroom_grant() -> Group:
    """Give the press office its rights on every newsroom (all locales), press snippets and media. Safe to call twice."""
    from press.models import NewsroomPage

    group = press_office_group_ensure()
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="press",
                                   content_type__model__in=["presscontact", "boilerplate", "clipping"]),
        *Permission.objects.filter(content_type__app_label="wagtail_localize", codename="submit_translation"),
    )
    for newsroom in NewsroomPage.objects.all():
        press_office_newsroom_page_grant(newsroom=newsroom, group=group)
    root = Collection.get_first_root_node()
    for app_label, codenames in MEDIA_PERMISSIONS.items():
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
    return group
