from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import RegionPage, Topic
from outreach.models import Segment
from outreach.segments import contacts_matching
from outreach.services.audiences import list_add_contacts, segment_count, segment_save
from outreach.services.contacts import contact_object
from outreach.models import ContactList
from tests.outreach.factories import ContactFactory, JournalistFactory

pytestmark = pytest.mark.django_db

INDUSTRY_IN_THE_EAST_AND_SOUTH = {
    "match": "all",
    "conditions": [
        {"field": "profile", "op": "in", "value": ["journalist"]},
        {"field": "beat", "op": "in", "value": ["industriedialog"]},
        {"field": "region", "op": "in", "value": ["thueringen", "baden-wuerttemberg"]},
        {"field": "language", "op": "in", "value": ["de"]},
        {"field": "bounce_state", "op": "not_in", "value": ["hard"]},
        {"field": "not_contacted_within_days", "op": "is", "value": [14]},
    ],
}


@pytest.fixture
def journalists(german, english):
    industry = Topic.objects.get(slug="industriedialog", locale=german)
    industry_en = Topic.objects.get(slug="industriedialog", locale=english)
    other_topic = Topic.objects.get(slug="gute-praxis", locale=german)
    thuringia = RegionPage.objects.get(slug="thueringen", locale=german)
    bw_en = RegionPage.objects.get(slug="baden-wuerttemberg", locale=english)
    krefeld = RegionPage.objects.get(slug="krefeld", locale=german)
    return {
        "match": JournalistFactory(beats=[industry], regions=[thuringia]),
        "match_english_links": JournalistFactory(beats=[industry_en], regions=[bw_en]),
        "wrong_region": JournalistFactory(beats=[industry], regions=[krefeld]),
        "wrong_beat": JournalistFactory(beats=[other_topic], regions=[thuringia]),
        "english_speaker": JournalistFactory(beats=[industry], regions=[thuringia], contact__language="en"),
        "bounced": JournalistFactory(beats=[industry], regions=[thuringia], contact__bounce_state="hard"),
        "recently_contacted": JournalistFactory(
            beats=[industry], regions=[thuringia], contact__last_contacted_at=timezone.now() - timedelta(days=3)
        ),
        "contacted_long_ago": JournalistFactory(
            beats=[industry, other_topic], regions=[thuringia, bw_en],
            contact__last_contacted_at=timezone.now() - timedelta(days=30),
        ),
    }


def test_segment_finds_exactly_the_matching_journalists_once_each(journalists):
    found = set(contacts_matching(INDUSTRY_IN_THE_EAST_AND_SOUTH).values_list("pk", flat=True))
    expected = {journalists[k].contact_id for k in ("match", "match_english_links", "contacted_long_ago")}
    assert found == expected


def test_segment_size_is_one_query_and_leaves_out_suppressed(journalists):
    segment = segment_save(name="Industrie Ost/Süd", rules=INDUSTRY_IN_THE_EAST_AND_SOUTH)
    with CaptureQueriesContext(connection) as queries:
        assert segment_count(segment=segment) == 3
    assert len(queries) == 1
    contact_object(contact=journalists["match"].contact)
    assert segment_count(segment=segment) == 2


def test_any_match_and_list_condition(journalists):
    press_list = ContactList.objects.create(name="Presseverteiler Thüringen")
    outsider = ContactFactory()
    list_add_contacts(contact_list=press_list, contact_ids=[outsider.pk])
    rules = {"match": "any", "conditions": [
        {"field": "list", "op": "in", "value": [press_list.pk]},
        {"field": "language", "op": "in", "value": ["en"]},
    ]}
    found = set(contacts_matching(rules).values_list("pk", flat=True))
    assert found == {outsider.pk, journalists["english_speaker"].contact_id}


@pytest.mark.parametrize("rules, message", [
    ({"conditions": []}, "at least one condition"),
    ({"conditions": [{"field": "shoe_size", "value": [42]}]}, "unknown field"),
    ({"conditions": [{"field": "language", "op": "like", "value": ["de"]}]}, "operator must be one of"),
    ({"conditions": [{"field": "language", "value": ["fr"]}]}, "unknown value"),
    ({"conditions": [{"field": "not_contacted_within_days", "op": "is", "value": ["two weeks"]}]}, "whole number"),
    ({"match": "some", "conditions": [{"field": "language", "value": ["de"]}]}, "'match' must be"),
])
def test_invalid_rules_are_refused_with_a_reason_and_nothing_is_saved(rules, message):
    with pytest.raises(ValidationError, match=message):
        segment_save(name="kaputt", rules=rules)
    assert not Segment.objects.filter(name="kaputt").exists()


def test_adding_to_a_list_twice_adds_once_and_is_on_the_timeline():
    contact = ContactFactory()
    press_list = ContactList.objects.create(name="Wirtschaftspresse")
    assert list_add_contacts(contact_list=press_list, contact_ids=[contact.pk]) == 1
    assert list_add_contacts(contact_list=press_list, contact_ids=[contact.pk]) == 0
    assert press_list.memberships.count() == 1
    assert contact.activity.filter(kind="added-to-list", summary="Wirtschaftspresse").count() == 1
