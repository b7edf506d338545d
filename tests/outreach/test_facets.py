"""The segment facets on the contact follow its profiles, whatever changes them."""

import pytest
from django.db import connection

from cms.models import RegionPage, Topic
from outreach import facets
from outreach.facets import contact_facets_refresh_all
from outreach.models import Contact, JournalistProfile
from tests.outreach.factories import JournalistFactory, ProtagonistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def industry(german):
    return Topic.objects.get(slug="industriedialog", locale=german)


@pytest.fixture
def thuringia(german):
    return RegionPage.objects.get(slug="thueringen", locale=german)


def facets_of(contact_id) -> list[str]:
    return Contact.objects.get(pk=contact_id).segment_facets


def test_profile_beats_and_regions_become_facets(industry, thuringia):
    journalist = JournalistFactory(beats=[industry], regions=[thuringia])
    assert facets_of(journalist.contact_id) == sorted([
        facets.JOURNALIST, facets.beat_facet(industry.translation_key), facets.region_facet(thuringia.translation_key),
    ])


def test_facets_follow_changes_from_either_side_and_deletion(industry, thuringia):
    journalist = JournalistFactory(beats=[industry], regions=[thuringia])
    journalist.beats.remove(industry)
    assert facets.beat_facet(industry.translation_key) not in facets_of(journalist.contact_id)
    JournalistProfile.beats.through.objects.create(journalistprofile=journalist, topic=industry)
    contact_facets_refresh_all()
    assert facets.beat_facet(industry.translation_key) in facets_of(journalist.contact_id)
    contact_id = journalist.contact_id
    journalist.delete()
    assert facets_of(contact_id) == []


def test_protagonists_are_a_facet_too(thuringia):
    protagonist = ProtagonistFactory()
    protagonist.regions.add(thuringia)
    assert facets_of(protagonist.contact_id) == [facets.PROTAGONIST, facets.region_facet(thuringia.translation_key)]


def test_refresh_all_repairs_what_bulk_sql_changed(industry):
    journalist = JournalistFactory(beats=[industry])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE outreach_contact SET segment_facets = %s WHERE id = %s", ["[]", journalist.contact_id])
    assert facets_of(journalist.contact_id) == []
    contact_facets_refresh_all()
    assert facets_of(journalist.contact_id) == sorted([facets.JOURNALIST, facets.beat_facet(industry.translation_key)])
