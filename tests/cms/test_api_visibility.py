"""What anonymous API clients must never see: drafts, unpublished pages, private pages."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from cms.models import NewsArticlePage
from tests.cms.factories import NewsArticlePageFactory

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"


def listed_ids(client, **params):
    response = client.get(PAGES, {"limit": 100, **params})
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


def assert_invisible(client, page):
    assert page.id not in listed_ids(client)
    assert page.id not in listed_ids(client, type="cms.NewsArticlePage")
    assert page.id not in listed_ids(client, search=page.title.split()[0])
    assert client.get(f"{PAGES}{page.id}/").status_code == 404


def test_unpublished_page_is_invisible(client, news_index):
    page = NewsArticlePageFactory(parent=news_index, title="Entwurfsmeldung", live=False)
    assert_invisible(client, page)


def test_unpublished_page_is_invisible_after_a_draft_revision(client, news_index):
    page = NewsArticlePageFactory(parent=news_index, title="Entwurfsmeldung", live=False)
    page.summary = "Noch geheim"
    page.save_revision()
    assert_invisible(client, page)


def test_live_page_shows_published_text_not_the_later_draft(client, news_index):
    page = NewsArticlePageFactory(parent=news_index, title="Veröffentlichte Meldung", summary="Öffentlich")
    page.save_revision().publish()
    draft = NewsArticlePage.objects.get(id=page.id)
    draft.title = "Geheimer Entwurfstitel"
    draft.summary = "Geheimer Entwurf"
    draft.save_revision()

    detail = client.get(f"{PAGES}{page.id}/").json()
    assert (detail["title"], detail["summary"]) == ("Veröffentlichte Meldung", "Öffentlich")
    listing = client.get(PAGES, {"type": "cms.NewsArticlePage", "fields": "summary", "limit": 100}).json()
    shown = {item["title"]: item["summary"] for item in listing["items"]}
    assert shown["Veröffentlichte Meldung"] == "Öffentlich"
    assert "Geheimer Entwurfstitel" not in shown
    assert "Geheimer Entwurfstitel" not in client.get(PAGES, {"search": "Geheimer"}).content.decode()


@pytest.mark.parametrize("restriction_type", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN])
def test_private_page_and_its_children_are_invisible(client, news_index, restriction_type):
    from cms.models import InitiativePage

    initiative = InitiativePage.objects.get(slug="buendnis-krefeld", locale=news_index.locale)
    child = NewsArticlePageFactory(parent=initiative, title="Interne Meldung")
    PageViewRestriction.objects.create(page=initiative, restriction_type=restriction_type, password="geheim")
    assert_invisible(client, child)
    assert initiative.id not in listed_ids(client)
    assert client.get(f"{PAGES}{initiative.id}/").status_code == 404


def test_private_page_seen_by_a_logged_in_user_is_not_cached_for_everyone(superuser, news_index):
    """A response that depends on the session must not be served to anonymous clients."""
    page = NewsArticlePageFactory(parent=news_index, title="Nur für Angemeldete")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    logged_in, anonymous = Client(), Client()
    logged_in.force_login(superuser)

    for path in (PAGES, f"{PAGES}{page.id}/"):
        private = logged_in.get(path, {"limit": 100} if path == PAGES else {})
        assert private.status_code == 200
        assert "public" not in private["Cache-Control"] and "private" in private["Cache-Control"]
    assert page.id in {item["id"] for item in logged_in.get(PAGES, {"limit": 100}).json()["items"]}

    assert page.id not in listed_ids(anonymous)
    assert anonymous.get(f"{PAGES}{page.id}/").status_code == 404
