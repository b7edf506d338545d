"""HTTP caching of the public API, and a fixed number of queries per listing."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.api.caching import content_generation
from cms.models import InitiativePage, NewsArticlePage, RegionPage, Topic
from tests.cms.factories import CreditedImageFactory, NewsArticlePageFactory

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"


@pytest.fixture
def article(german):
    return NewsArticlePage.objects.get(slug="n3tzwerk-unterstuetzt-industriedialog", locale=german)


def test_response_carries_etag_and_public_cache_control(client, article, settings):
    response = client.get(f"{PAGES}{article.id}/")
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert "public" in response["Cache-Control"]
    assert f"max-age={settings.API_BROWSER_CACHE_SECONDS}" in response["Cache-Control"]


def test_if_none_match_gives_304(client, article):
    etag = client.get(f"{PAGES}{article.id}/")["ETag"]
    again = client.get(f"{PAGES}{article.id}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(f"{PAGES}{article.id}/", HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_second_request_is_served_from_the_cache(client, article):
    assert client.get(f"{PAGES}{article.id}/")["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        hit = client.get(f"{PAGES}{article.id}/")
    assert hit["X-Cache"] == "hit"
    assert len(queries) == 0
    assert "public" in hit["Cache-Control"]


def test_a_hit_answers_with_the_same_headers_as_the_miss(client, article, settings):
    """A hit skips the language and framing middleware: their headers come from the cached entry."""
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example.org"]
    origin = {"HTTP_ORIGIN": "https://front.example.org"}
    miss = client.get(f"{PAGES}{article.id}/", **origin)
    hit = client.get(f"{PAGES}{article.id}/", **origin)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    headers = lambda response: {name: value for name, value in response.items() if name != "X-Cache"}  # noqa: E731
    assert headers(hit) == headers(miss)
    assert {"Content-Language", "X-Frame-Options", "Content-Length", "ETag"} <= set(headers(hit))
    assert hit["Access-Control-Allow-Origin"] == "https://front.example.org"  # per request, from the Origin
    assert "Accept-Language" in hit["Vary"] and "Cookie" in hit["Vary"]
    assert hit.content == miss.content


def test_publishing_invalidates_the_cache(client, article):
    first = client.get(f"{PAGES}{article.id}/")
    client.get(PAGES, {"type": "cms.NewsArticlePage", "fields": "summary"})

    article.summary = "Neue Kurzfassung"
    article.save_revision().publish()

    second = client.get(f"{PAGES}{article.id}/")
    assert second["X-Cache"] == "miss"
    assert second.json()["summary"] == "Neue Kurzfassung"
    assert second["ETag"] != first["ETag"]
    assert client.get(f"{PAGES}{article.id}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    listing = client.get(PAGES, {"type": "cms.NewsArticlePage", "fields": "summary"}).json()
    assert "Neue Kurzfassung" in {item["summary"] for item in listing["items"]}


def test_unpublishing_and_snippet_changes_invalidate_the_cache(client, article):
    client.get(PAGES)
    before = content_generation()
    article.unpublish()
    assert content_generation() > before
    assert article.id not in {item["id"] for item in client.get(PAGES, {"limit": 100}).json()["items"]}

    topic = Topic.objects.get(slug="akzeptanz", locale=article.locale)
    before = content_generation()
    topic.name = "Akzeptanz der Industrie"
    topic.save()
    assert content_generation() > before


def test_invalidation_is_repeated_after_commit(article, django_capture_on_commit_callbacks):
    """A request that read the old rows before the commit must not keep them cached."""
    with django_capture_on_commit_callbacks() as callbacks:
        article.save_revision().publish()
    before = content_generation()
    for callback in callbacks:
        callback()
    assert content_generation() > before


def test_cache_is_per_host(client, english):
    """Site.find_for_request decides what ?child_of=root is; one host's answer must not leak to another."""
    from wagtail.models import Site

    from cms.models import HomePage

    Site.objects.create(hostname="127.0.0.1", port=80, root_page=HomePage.objects.get(locale=english))
    german_children = client.get(PAGES, {"child_of": "root"}, HTTP_HOST="localhost").json()["items"]
    english_children = client.get(PAGES, {"child_of": "root"}, HTTP_HOST="127.0.0.1").json()["items"]
    assert {item["meta"]["locale"] for item in german_children} == {"de"}
    assert {item["meta"]["locale"] for item in english_children} == {"en"}


def test_cached_hit_keeps_vary(client, article):
    client.get(f"{PAGES}{article.id}/")
    hit = client.get(f"{PAGES}{article.id}/")
    assert hit["X-Cache"] == "hit"
    assert "Cookie" in hit["Vary"]


def test_error_responses_are_not_cached(client):
    assert client.get(PAGES, {"locale": "xx"}).status_code == 400
    response = client.get(PAGES, {"locale": "xx"})
    assert response.status_code == 400
    assert "X-Cache" not in response


def _listing_query_count(client) -> tuple[int, int]:
    params = {
        "type": "cms.NewsArticlePage",
        "fields": "date,summary,regions,topics,initiatives,image_rendition",
        "limit": 100,
    }
    # The first request creates missing renditions; only the steady state counts.
    client.get(PAGES, params)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGES, params)
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"
    items = response.json()["items"]
    assert all(item["image_rendition"] for item in items if item["title"].startswith("Meldung"))
    return len(queries), len(items)


def _create_articles(count, parent, german):
    regions = list(RegionPage.objects.filter(locale=german)[:2])
    initiatives = list(InitiativePage.objects.filter(locale=german)[:1])
    topics = list(Topic.objects.filter(locale=german)[:2])
    for _ in range(count):
        NewsArticlePageFactory(
            parent=parent, image=CreditedImageFactory(), regions=regions, initiatives=initiatives, topics=topics,
        )


def test_listing_query_count_does_not_grow_with_items(client, news_index, german):
    _create_articles(5, news_index, german)
    small_queries, small_items = _listing_query_count(client)
    _create_articles(45, news_index, german)
    large_queries, large_items = _listing_query_count(client)
    assert large_items == small_items + 45
    assert large_queries == small_queries, (small_queries, large_queries)


def test_english_listing_links_cost_fixed_queries(client, english):
    """Localising links looks up translations once per model, not once per item."""
    params = {"type": "cms.NewsArticlePage", "fields": "regions,topics,initiatives", "locale": "en"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGES, params)
    assert response.status_code == 200
    assert len(queries) <= 16
