"""Relations and relation filters never reveal draft or private pages (issue #9, finding 6)."""

import pytest
from django.core.cache import cache
from wagtail.models import PageViewRestriction

from cms.models import InitiativePage, NewsArticlePage, NewsIndexPage, RegionPage
from tests.cms.factories import NewsArticlePageFactory

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"


def page(model, slug, language_code):
    return model.objects.get(slug=slug, locale__language_code=language_code)


def make_private(target):
    PageViewRestriction.objects.create(page=target, restriction_type=PageViewRestriction.LOGIN)
    # This test is about what the serializer shows, not about the API cache's invalidation.
    cache.clear()


def detail(client, target):
    response = client.get(f"{PAGES}{target.id}/")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def linked(data, name):
    return {(item["id"], item.get("title")) for item in data[name]}


def test_private_initiative_is_left_out_of_a_public_articles_initiatives(client, news_index):
    initiative = page(InitiativePage, "buendnis-krefeld", "de")
    article = NewsArticlePageFactory(parent=news_index, title="Öffentliche Meldung", initiatives=[initiative])
    assert linked(detail(client, article), "initiatives") == {(initiative.id, initiative.title)}
    make_private(initiative)
    data = detail(client, article)
    assert data["initiatives"] == []
    assert initiative.title not in str(data)


def test_private_english_translation_is_left_out_of_the_english_article(client, english):
    # wagtail-localize copies links unchanged: the English article links the German initiative,
    # and the API shows its English translation, which is private here.
    german_initiative = page(InitiativePage, "buendnis-krefeld", "de")
    english_initiative = page(InitiativePage, "buendnis-krefeld", "en")
    article = NewsArticlePageFactory(
        parent=NewsIndexPage.objects.get(locale=english), title="Public news", initiatives=[german_initiative],
    )
    assert linked(detail(client, article), "initiatives") == {(english_initiative.id, english_initiative.title)}
    make_private(english_initiative)
    assert detail(client, article)["initiatives"] == []


def test_private_and_draft_regions_are_left_out_of_relations(client):
    private = page(RegionPage, "mittelrhein", "de")
    draft = page(RegionPage, "krefeld", "de")
    make_private(private)
    draft.unpublish()
    article = detail(client, page(NewsArticlePage, "n3tzwerk-unterstuetzt-industriedialog", "de"))
    shown = {item["slug"] for item in article["regions"]}
    assert shown == {"baden-wuerttemberg", "thueringen", "nord-westfalen", "frankfurt-am-main"}
    initiative = detail(client, page(InitiativePage, "industrieallianz-mittelrhein", "de"))
    assert initiative["regions"] == []


def test_listing_with_relation_fields_hides_private_pages(client):
    private = page(RegionPage, "mittelrhein", "de")
    make_private(private)
    response = client.get(PAGES, {"type": "cms.NewsArticlePage", "fields": "regions", "locale": "de"})
    assert response.status_code == 200
    ids = {region["id"] for item in response.json()["items"] for region in item["regions"]}
    assert ids and private.id not in ids


def test_logged_in_users_still_see_the_private_page_they_may_open(admin_client, news_index):
    initiative = page(InitiativePage, "buendnis-krefeld", "de")
    article = NewsArticlePageFactory(parent=news_index, title="Öffentliche Meldung", initiatives=[initiative])
    make_private(initiative)
    assert [item["id"] for item in detail(admin_client, article)["initiatives"]] == [initiative.id]


@pytest.mark.parametrize("parameter, model, private_slug, draft_slug", [
    ("region", RegionPage, "mittelrhein", "krefeld"),
    ("initiative", InitiativePage, "industrieallianz-mittelrhein", "buendnis-krefeld"),
])
def test_slug_filters_answer_alike_for_draft_private_and_missing(client, parameter, model, private_slug, draft_slug):
    for language_code in ("de", "en"):
        make_private(page(model, private_slug, language_code))
        page(model, draft_slug, language_code).unpublish()

    def answer(value):
        response = client.get(PAGES, {parameter: value}, HTTP_ACCEPT_LANGUAGE="en")
        return response.status_code, response["Content-Type"], response.json()["message"].replace(value, "VALUE")

    missing = answer("no-such-page")
    assert missing[0] == 400
    assert answer(private_slug) == missing
    assert answer(draft_slug) == missing
    for target in (page(model, private_slug, "de"), page(model, draft_slug, "de")):
        assert answer(str(target.id)) == answer("999999")
