import pytest
from wagtail.models import Page

from cms.models import InitiativePage, PartnerOrganisation, RegionPage, Topic
from cms.services.demo import demo_content_load

pytestmark = pytest.mark.django_db


def test_six_model_regions_with_their_levels(german):
    regions = {r.title: r.level for r in RegionPage.objects.filter(locale=german)}
    assert regions == {
        "Baden-Württemberg": "state",
        "Thüringen": "state",
        "Nord-Westfalen": "region",
        "Krefeld": "region",
        "Mittelrhein": "region",
        "Frankfurt am Main": "municipality",
    }


def test_consortium_partners_from_the_press_release():
    names = set(PartnerOrganisation.objects.values_list("name", flat=True))
    assert {"N3tzwerk Zukunft der Industrie", "Prognos AG", "Operation Apps GmbH"} <= names


def test_every_german_page_has_a_published_english_translation(german, english):
    german_pages = Page.objects.filter(locale=german, depth__gt=1)
    assert german_pages.count() > 15
    for page in german_pages:
        translation = page.get_translation_or_none(english)
        assert translation is not None, page.title
        assert translation.live, page.title
    assert RegionPage.objects.get(locale=english, slug="thueringen").title == "Thuringia"


def test_loading_twice_changes_nothing():
    before = (Page.objects.count(), Topic.objects.count(), PartnerOrganisation.objects.count(),
              InitiativePage.objects.count())
    report = demo_content_load()
    after = (Page.objects.count(), Topic.objects.count(), PartnerOrganisation.objects.count(),
             InitiativePage.objects.count())
    assert report.created == [] and report.translated == []
    assert before == after


def test_page_tree_is_sound_after_loading(german, english):
    for page in Page.objects.filter(depth__gt=1):
        assert page.numchild == page.get_children().count(), page.title
