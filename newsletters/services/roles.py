"""Who manages newsletters: the press office, which already holds the contact database."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from outreach.services.roles import PRESS_OFFICE_GROUP

ISSUE_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


@transaction.atomic
def newsletter_roles_ensure() -> Group:
    """Give the press office every newsletters right, and the right to write, publish and send the issues
    under every newsletter's issue page (in every language). Safe to call twice. Nobody else gets them."""
    from wagtail.models import GroupPagePermission

    from newsletters.models import NewsletterIndexPage

    group, _created = Group.objects.get_or_create(name=PRESS_OFFICE_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="newsletters"))
    page_permissions = Permission.objects.filter(content_type__app_label="wagtailcore",
                                                 codename__in=ISSUE_PAGE_PERMISSIONS)
    for index in NewsletterIndexPage.objects.all():
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)
    return group
