"""A fresh install gets the press office's rights from `migrate`, not from a demo loader."""

import pytest
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal

from outreach.services.roles import PRESS_OFFICE_GROUP

pytestmark = pytest.mark.django_db


def test_migrate_creates_the_press_office_with_its_rights():
    Group.objects.filter(name=PRESS_OFFICE_GROUP).delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    group = Group.objects.get(name=PRESS_OFFICE_GROUP)
    labels = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("wagtailadmin", "access_admin") in labels
    assert ("outreach", "view_contact") in labels
    assert ("newsletters", "view_subscription") in labels
    assert not any(app == "cms" for app, _codename in labels)


def test_running_migrate_again_changes_nothing():
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    before = set(Group.objects.get(name=PRESS_OFFICE_GROUP).permissions.values_list("id", flat=True))
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert set(Group.objects.get(name=PRESS_OFFICE_GROUP).permissions.values_list("id", flat=True)) == before
