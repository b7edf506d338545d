"""RSS 2.0 and Atom feeds of releases per language: valid feeds, nothing under embargo, plain-text 400s."""

import datetime

import feedparser
import pytest
from django.utils import timezone

from tests.press.factories import release_create

pytestmark = pytest.mark.django_db

SEED_DE = "N3tzwerk unterstützt Industriedialog in Regionen"
SEED_EN = "N3tzwerk supports the industry dialogue in the regions"


def parsed(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("path,content_type,version", [
    ("/feeds/press.rss", "application/rss+xml", "rss20"),
    ("/feeds/press.atom", "application/atom+xml", "atom10"),
])
def test_feeds_validate_and_list_the_releases_of_one_language(client, path, content_type, version):
    response, feed = parsed(client, path, locale="de")

    assert response["Content-Type"].startswith(content_type)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == version
    assert feed.feed.language == "de" if version == "rss20" else True
    assert [entry.title for entry in feed.entries] == [SEED_DE]
    assert feed.entries[0].id.startswith("urn:dialogdesk:press-release:")
    _response, english = parsed(client, path, locale="en")
    assert [entry.title for entry in english.entries] == [SEED_EN]
    assert english.feed.title.startswith("Press releases")
    assert feed.feed.title.startswith("Medieninformationen")


@pytest.mark.parametrize("path", ["/feeds/press.rss", "/feeds/press.atom"])
def test_an_embargoed_release_never_appears(client, newsroom, path):
    embargoed = release_create(newsroom=newsroom, embargo=timezone.now() + datetime.timedelta(hours=2))
    assert not embargoed.live and embargoed.approved_schedule  # scheduled by publish, as the admin does

    _response, feed = parsed(client, path, locale="de")
    assert embargoed.title not in [entry.title for entry in feed.entries]

    # The same release, once public, is listed (so the check above could fail).
    release_create(newsroom=newsroom, slug="ohne-sperrfrist")
    _response, feed = parsed(client, path, locale="de")
    assert [entry.title for entry in feed.entries].count(embargoed.title) == 1


@pytest.mark.parametrize("path", ["/feeds/press.rss", "/feeds/press.atom"])
@pytest.mark.parametrize("code", ["fr", "<script>alert(1)</script>", "de\x00"])
def test_a_bad_locale_is_a_plain_text_400(client, path, code):
    response = client.get(path, {"locale": code})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_feeds_are_read_only(client):
    assert client.post("/feeds/press.rss").status_code == 405


def test_press_feeds_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path, media_type in (("/feeds/press.rss", "application/rss+xml"), ("/feeds/press.atom", "application/atom+xml")):
        operation = schema["paths"][path]["get"]
        assert media_type in operation["responses"]["200"]["content"]
        assert "text/plain" in operation["responses"]["400"]["content"]
        assert [p["name"] for p in operation["parameters"]] == ["locale"]
