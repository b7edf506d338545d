import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder

from cms.models import RegionPage, Topic
from outreach.models import ActivityEvent, Contact, ExportLog, FollowUp
from outreach.services.activity import follow_up_create
from outreach.services.audiences import list_add_contacts
from outreach.services.contacts import contact_object
from outreach.services.privacy import contact_data_export
from outreach.services.profiles import journalist_profile_save
from outreach.services.roles import PRESS_OFFICE_GROUP, press_office_group_ensure
from outreach.services.tags import contact_tags_set, contacts_tag
from tests.outreach.factories import ContactFactory, ContactListFactory, JournalistFactory, ProtagonistFactory

pytestmark = pytest.mark.django_db


class ContactDataExportTests:
    def test_holds_every_field_profiles_lists_activity_follow_ups_and_suppression(self, german, superuser):
        journalist = JournalistFactory(contact__email="anna@example.org", contact__phone="0361 123",
                                       beats=[Topic.objects.get(slug="industriedialog", locale=german)])
        contact = journalist.contact
        contact.tags.add("Landespresse")
        ProtagonistFactory(contact=contact)
        list_add_contacts(contact_list=ContactListFactory(name="Thüringen Presse"), contact_ids=[contact.pk])
        follow_up_create(contact=contact, title="Anrufen", due_on="2030-01-01")
        contact_object(contact=contact, note="per Mail")

        data = contact_data_export(contact=contact, actor=superuser)

        json.dumps(data, cls=DjangoJSONEncoder)  # a download must not fail on any value
        concrete = {field.name for field in Contact._meta.concrete_fields}
        assert concrete <= set(data["contact"])
        assert data["contact"]["email"] == "anna@example.org" and data["contact"]["tags"] == ["Landespresse"]
        assert data["journalist_profile"]["beats"] == ["Industriedialog"] or data["journalist_profile"]["beats"]
        assert data["protagonist_profile"]["function"]
        assert data["lists"][0]["list"] == "Thüringen Presse"
        assert {event["kind"] for event in data["activity"]} >= {"added-to-list", "objected"}
        assert data["follow_ups"][0]["title"] == "Anrufen"
        assert data["suppression"]["is_suppressed"] and data["suppression"]["reason"] == "objection"

    def test_the_disclosure_is_logged_without_the_address(self, superuser):
        contact = ContactFactory()
        contact_data_export(contact=contact, actor=superuser)
        log = ExportLog.objects.get()
        assert log.file_format == "json" and contact.email not in log.description and str(contact.pk) in log.description
        assert contact.activity.filter(kind=ActivityEvent.Kind.EXPORTED, actor=superuser).exists()

    def test_not_suppressed_contact(self):
        data = contact_data_export(contact=ContactFactory())
        assert data["suppression"] == {"is_suppressed": False, "reason": None, "reason_display": None, "since": None}
        assert data["journalist_profile"] is None


class PressOfficeGroupTests:
    def test_has_every_outreach_permission_and_admin_access(self):
        group = press_office_group_ensure()
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert {"access_admin", "view_contact", "change_contact", "delete_contact", "add_segment",
                "view_contactlist", "view_exportlog"} <= codenames
        # The press office also runs press releases and newsletters (granted by those apps), but gets
        # no rights on the editorial content model or on users.
        assert not group.permissions.filter(content_type__app_label__in=["cms", "auth", "wagtailusers"]).exists()

    def test_safe_to_call_twice(self):
        press_office_group_ensure()
        press_office_group_ensure()
        assert Group.objects.filter(name=PRESS_OFFICE_GROUP).count() == 1


class TagTests:
    def test_bulk_tag_adds_and_records_only_changes(self):
        tagged, fresh = ContactFactory(), ContactFactory()
        tagged.tags.add("Wirtschaft")
        assert contacts_tag(contact_ids=[tagged.pk, fresh.pk], tags="Wirtschaft, ") == 1
        assert list(fresh.tags.names()) == ["Wirtschaft"]
        assert not tagged.activity.filter(kind=ActivityEvent.Kind.EDITED).exists()
        assert contacts_tag(contact_ids=[tagged.pk, fresh.pk], tags=["Wirtschaft"]) == 0

    def test_bad_tags_get_a_reason(self):
        with pytest.raises(ValidationError, match="at least one tag"):
            contacts_tag(contact_ids=[ContactFactory().pk], tags=" , ")
        with pytest.raises(ValidationError, match="longer than"):
            contacts_tag(contact_ids=[ContactFactory().pk], tags=["x" * 101])

    def test_set_replaces_and_is_a_no_op_when_equal(self):
        contact = ContactFactory()
        assert contact_tags_set(contact=contact, tags=["a", "b"])
        assert not contact_tags_set(contact=contact, tags=["b", "a"])
        assert sorted(contact.tags.names()) == ["a", "b"]


def test_journalist_profile_save_records_changes(german):
    contact = ContactFactory()
    thuringia = RegionPage.objects.get(slug="thueringen", locale=german)
    profile = journalist_profile_save(contact=contact, role="Redakteur", regions=[thuringia])
    assert list(profile.regions.all()) == [thuringia]
    journalist_profile_save(contact=contact, role="Redakteur", regions=[thuringia])
    assert contact.activity.filter(kind=ActivityEvent.Kind.EDITED).count() == 1
    with pytest.raises(ValueError):
        journalist_profile_save(contact=contact, email="x@example.org")


def test_follow_up_is_open_until_closed():
    from outreach.services.activity import follow_up_close

    follow_up = follow_up_create(contact=ContactFactory(), title="Anrufen", due_on="2030-01-01")
    follow_up_close(follow_up=follow_up)
    assert FollowUp.objects.get().status == FollowUp.Status.DONE
