"""The press office's rights come from migrate and from creating a newsroom, not from the demo loader."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page

from cms.models import HomePage
from outreach.services.roles import PRESS_OFFICE_GROUP
from press.models import NewsroomPage

pytestmark = pytest.mark.django_db


def test_migrate_grants_the_press_office_its_rights_on_a_database_without_them():
    Group.objects.filter(name=PRESS_OFFICE_GROUP).delete()  # as on a fresh database: no group, no grants

    call_command("migrate", verbosity=0)

    group = Group.objects.get(name=PRESS_OFFICE_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_presscontact", "change_boilerplate", "access_admin", "submit_translation"} <= codenames
    newsrooms = set(NewsroomPage.objects.values_list("pk", flat=True))
    assert len(newsrooms) == 2
    granted = GroupPagePermission.objects.filter(group=group, permission__codename="publish_page")
    assert set(granted.values_list("page_id", flat=True)) == newsrooms
    assert GroupCollectionPermission.objects.filter(group=group, permission__codename="choose_image").exists()


def test_a_new_newsroom_is_the_press_office_s_as_it_is_created():
    home = HomePage(title="Zweite Site", slug="zweite-site")
    Page.get_first_root_node().add_child(instance=home)
    newsroom = NewsroomPage(title="Presse", slug="presse-zwei")
    home.add_child(instance=newsroom)

    rights = GroupPagePermission.objects.filter(group__name=PRESS_OFFICE_GROUP, page=newsroom)
    assert set(rights.values_list("permission__codename", flat=True)) == {
        "add_page", "change_page", "publish_page", "lock_page", "unlock_page"}
