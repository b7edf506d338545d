"""Filing fields in the page editor offer only items in the page's own language.

Through Wagtail's real add and edit views: the form's choices for regions,
initiatives and topics, what the editor sees, and a post that files a German
page under an English region.
"""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import streamfield

from cms.models import InitiativePage, NewsArticlePage, NewsIndexPage, RegionPage, Topic
from tests.cms.test_admin_pages import add_url, page_form

pytestmark = pytest.mark.django_db

FILING_FIELDS = ["regions", "initiatives", "topics"]


def edit_in_page_editor(page) -> str:
    """The page editor's URL for a page; a translation synced by wagtail-localize is
    detached first, as "Stop synced translation" does, so Wagtail's own form is shown."""
    from wagtail_localize.models import Translation

    Translation.objects.filter(source__object_id=page.translation_key, target_locale=page.locale).update(enabled=False)
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def filing_locales(response, fields=FILING_FIELDS) -> dict[str, set[str]]:
    """The languages of the items each filing field offers."""
    assert response.status_code == 200
    form = response.context["form"]
    return {name: {item.locale.language_code for item in form.fields[name].queryset} for name in fields}


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_new_news_article_offers_only_items_of_its_parents_language(editor_client, language):
    index = NewsIndexPage.objects.get(locale__language_code=language)
    response = editor_client.get(add_url(NewsArticlePage, index))
    assert filing_locales(response) == {name: {language} for name in FILING_FIELDS}


@pytest.mark.parametrize("language", ["de", "en"])
def test_editing_a_news_article_offers_only_items_of_its_language(editor_client, language):
    article = NewsArticlePage.objects.filter(locale__language_code=language).first()
    response = editor_client.get(edit_in_page_editor(article))
    assert filing_locales(response) == {name: {language} for name in FILING_FIELDS}


def test_the_german_editor_shows_german_regions_and_topics_only(editor_client, german, english):
    article = NewsArticlePage.objects.filter(locale=german).first()
    html = editor_client.get(edit_in_page_editor(article)).content.decode()
    assert "Thüringen" in html
    assert "Thuringia" not in html
    for topic in Topic.objects.filter(locale=english):
        german_name = topic.get_translation(german).name
        if german_name != topic.name:
            assert f">{topic.name}<" not in html and f"> {topic.name}<" not in html, topic.name


def test_a_german_article_filed_under_an_english_region_is_refused(editor_client, german, english):
    index = NewsIndexPage.objects.get(locale=german)
    thuringia = RegionPage.objects.get(locale=english, title="Thuringia")
    response = editor_client.post(add_url(NewsArticlePage, index), page_form(
        title="Falsch eingeordnet", slug="falsch-eingeordnet", summary="", date="2026-12-06",
        body=streamfield([]), regions=[str(thuringia.pk)],
    ))
    assert response.status_code == 200
    assert "regions" in response.context["form"].errors
    assert not NewsArticlePage.objects.filter(slug="falsch-eingeordnet").exists()


def test_a_german_article_filed_under_german_items_is_saved(editor_client, german):
    index = NewsIndexPage.objects.get(locale=german)
    thueringen = RegionPage.objects.get(locale=german, title="Thüringen")
    topic = Topic.objects.filter(locale=german).first()
    response = editor_client.post(add_url(NewsArticlePage, index), page_form(
        title="Richtig eingeordnet", slug="richtig-eingeordnet", summary="", date="2026-12-06",
        body=streamfield([]), regions=[str(thueringen.pk)], topics=[str(topic.pk)],
    ))
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    page = NewsArticlePage.objects.get(slug="richtig-eingeordnet")
    assert list(page.regions.all()) == [thueringen]
    assert list(page.topics.all()) == [topic]


@pytest.mark.parametrize("language", ["de", "en"])
def test_initiatives_and_regions_offer_only_items_of_their_language(editor_client, language):
    initiative = InitiativePage.objects.filter(locale__language_code=language).first()
    response = editor_client.get(edit_in_page_editor(initiative))
    assert filing_locales(response, ["regions", "topics"]) == {"regions": {language}, "topics": {language}}
    region = RegionPage.objects.filter(locale__language_code=language).first()
    response = editor_client.get(edit_in_page_editor(region))
    assert filing_locales(response, ["topics"]) == {"topics": {language}}
