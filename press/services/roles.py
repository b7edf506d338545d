"""The press office writes and publishes press releases: rights on every newsroom, its snippets and media."""

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
def press_office_newsroom_grant() -> Group:
    """Give the press office its rights on every newsroom (all locales), press snippets and media. Safe to call twice."""
    from press.models import NewsroomPage

    group = press_office_group_ensure()
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="press",
                                   content_type__model__in=["presscontact", "boilerplate"]),
        *Permission.objects.filter(content_type__app_label="wagtail_localize", codename="submit_translation"),
    )
    for newsroom in NewsroomPage.objects.all():
        for codename in NEWSROOM_PAGE_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=newsroom, permission=permission)
    root = Collection.get_first_root_node()
    for app_label, codenames in MEDIA_PERMISSIONS.items():
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
    return group
