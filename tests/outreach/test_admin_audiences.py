"""Lists and segments through the real admin as a press officer."""

import pytest
from django.urls import reverse

from outreach.models import ContactList, Segment
from outreach.services.audiences import list_add_contacts
from outreach.services.contacts import contact_object
from tests.outreach.factories import ContactFactory, ContactListFactory, JournalistFactory

pytestmark = pytest.mark.django_db


def _segment_post(name="Industrie Ost/Süd", rows=(), match="all", **extra):
    data = {"name": name, "description": "", "match": match,
            "conditions-TOTAL_FORMS": str(len(rows)), "conditions-INITIAL_FORMS": "0",
            "conditions-MIN_NUM_FORMS": "0", "conditions-MAX_NUM_FORMS": "1000"}
    for number, (field, op, value) in enumerate(rows):
        data.update({f"conditions-{number}-field": field, f"conditions-{number}-op": op,
                     f"conditions-{number}-value": value})
    return {**data, **extra}


INDUSTRY_ROWS = [
    ("profile", "in", "Journalist"),
    ("beat", "in", "Industriedialog"),
    ("region", "in", "Thüringen, Baden-Württemberg"),
    ("language", "in", "de"),
    ("bounce_state", "not_in", "Hard bounce"),
    ("not_contacted_within_days", "is", "14"),
]


class SegmentAdminTests:
    def test_rule_builder_saves_names_as_ids_and_slugs(self, press_client):
        response = press_client.post(reverse("outreach_segments:add"), _segment_post(rows=INDUSTRY_ROWS))
        assert response.status_code == 302, response.context["form"].errors
        rules = Segment.objects.get().rules
        assert rules["match"] == "all"
        by_field = {condition["field"]: condition for condition in rules["conditions"]}
        assert by_field["region"]["value"] == ["thueringen", "baden-wuerttemberg"]
        assert by_field["beat"]["value"] == ["industriedialog"]
        assert by_field["bounce_state"] == {"field": "bounce_state", "op": "not_in", "value": ["hard"]}
        assert by_field["not_contacted_within_days"]["value"] == ["14"]

    def test_edit_shows_names_and_the_current_size(self, press_client, german):
        from cms.models import RegionPage, Topic

        industry = Topic.objects.get(slug="industriedialog", locale=german)
        thuringia = RegionPage.objects.get(slug="thueringen", locale=german)
        JournalistFactory(beats=[industry], regions=[thuringia])
        objecting = JournalistFactory(beats=[industry], regions=[thuringia]).contact
        contact_object(contact=objecting)
        press_client.post(reverse("outreach_segments:add"), _segment_post(rows=INDUSTRY_ROWS))
        segment = Segment.objects.get()
        response = press_client.get(reverse("outreach_segments:edit", args=[segment.pk]))
        html = response.content.decode()
        assert "Thüringen, Baden-Württemberg" in html
        assert response.context["preview"].size == 1
        assert "Currently 1 contact" in html
        listing = press_client.get(reverse("outreach_segments:index")).content.decode()
        assert segment.name in listing

    def test_check_size_does_not_save(self, press_client):
        ContactFactory(language="en")
        response = press_client.post(reverse("outreach_segments:add"),
                                     _segment_post(rows=[("language", "in", "en")], check_size="1"))
        assert response.status_code == 200 and response.context["preview"].size >= 1
        assert not Segment.objects.exists()

    @pytest.mark.parametrize("rows, message", [
        ([], "at least one condition"),
        ([("region", "in", "Atlantis")], "Not known for Region: Atlantis"),
        ([("language", "in", "")], "Give at least one value"),
        ([("language", "is", "de")], "choose: is one of, is none of"),
        ([("not_contacted_within_days", "is", "zwei")], "whole number"),
    ])
    def test_bad_rules_get_a_reason(self, press_client, rows, message):
        response = press_client.post(reverse("outreach_segments:add"), _segment_post(rows=rows))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Segment.objects.exists()


class ListAdminTests:
    def test_listing_shows_sizes_and_links_to_members(self, press_client):
        contact_list = ContactListFactory(name="Landespresse Thüringen")
        members = [ContactFactory(), ContactFactory()]
        list_add_contacts(contact_list=contact_list, contact_ids=[c.pk for c in members])
        ContactFactory()
        response = press_client.get(reverse("outreach_lists:index"))
        row = next(item for item in response.context["object_list"] if item.pk == contact_list.pk)
        assert row.size == 2
        members_response = press_client.get(reverse("outreach_contacts:index"), {"list": contact_list.pk})
        assert {c.pk for c in members_response.context["object_list"]} == {c.pk for c in members}

    def test_duplicate_name_gets_a_reason(self, press_client):
        ContactListFactory(name="Presse")
        response = press_client.post(reverse("outreach_lists:add"), {"name": "presse", "description": ""})
        assert "exists already" in response.content.decode()
        assert ContactList.objects.count() == 1
