"""?region=, ?initiative=, ?topic= (id or slug, any locale) and ?search= on the pages endpoint."""

import pytest

from cms.models import EventPage, InitiativePage, RegionPage, Topic
from tests.cms.factories import NewsArticlePageFactory, TopicFactory

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"


def titles(client, **params):
    response = client.get(PAGES, params)
    assert response.status_code == 200, response.content[:500]
    return {item["title"] for item in response.json()["items"]}


def region(slug, language_code):
    return RegionPage.objects.get(slug=slug, locale__language_code=language_code)


@pytest.mark.parametrize("type_", [None, "cms.NewsArticlePage"])
@pytest.mark.parametrize(
    "value",
    [
        lambda: "krefeld",
        lambda: str(region("krefeld", "de").id),
        lambda: str(region("krefeld", "en").id),
    ],
    ids=["slug", "german-id", "english-id"],
)
def test_region_filter_by_slug_or_id_in_any_locale(client, value, type_):
    params = {"region": value(), "locale": "de"}
    if type_:
        params["type"] = type_
    found = titles(client, **params)
    assert "Krefelder Industriedialog gestartet" in found
    assert "N3tzwerk unterstützt Industriedialog in sechs Modellregionen" in found
    assert "Studie erfasst erstmals regionale Industrieinitiativen" not in found
    if type_ is None:
        # Initiatives are filed under regions too.
        assert "Bündnis Zukunft der Industrie Krefeld" in found


def test_region_filter_on_english_content(client):
    response = client.get(PAGES, {"region": "thueringen", "locale": "en", "type": "cms.EventPage"})
    items = response.json()["items"]
    assert len(items) == 1
    event = EventPage.objects.get(id=items[0]["id"])
    assert (event.slug, event.locale.language_code) == ("industriedialog-thueringen", "en")


@pytest.mark.parametrize("type_", [None, "cms.NewsArticlePage"])
def test_initiative_filter_by_slug_and_english_id(client, type_):
    english = InitiativePage.objects.get(slug="buendnis-krefeld", locale__language_code="en")
    extra = {"type": type_} if type_ else {}
    assert titles(client, initiative="buendnis-krefeld", locale="de", **extra) == {"Krefelder Industriedialog gestartet"}
    assert titles(client, initiative=str(english.id), locale="en", **extra) == {"Krefeld industry dialogue launched"}


@pytest.mark.parametrize("type_", [None, "cms.StudyPage"])
def test_topic_filter_by_slug_and_id(client, type_):
    english_topic = Topic.objects.get(slug="gute-praxis", locale__language_code="en")
    extra = {"type": type_} if type_ else {}
    by_slug = titles(client, topic="gute-praxis", locale="de", **extra)
    by_english_id = titles(client, topic=str(english_topic.id), locale="de", **extra)
    assert by_slug == by_english_id
    assert {"Regionale Industrieinitiativen in Deutschland", "Lange Nacht der Industrie"} <= by_slug
    if type_ is None:
        assert "Studie erfasst erstmals regionale Industrieinitiativen" in by_slug
    else:
        assert "Studie erfasst erstmals regionale Industrieinitiativen" not in by_slug


def test_filters_combine(client, news_index):
    krefeld = region("krefeld", "de")
    topic = TopicFactory(name="Fachkräfte", slug="fachkraefte")
    NewsArticlePageFactory(parent=news_index, title="Fachkräfte in Krefeld", regions=[krefeld], topics=[topic])
    NewsArticlePageFactory(parent=news_index, title="Fachkräfte anderswo", topics=[topic])
    assert titles(client, topic="fachkraefte", region="krefeld") == {"Fachkräfte in Krefeld"}
    assert titles(client, topic="fachkraefte", type="cms.NewsArticlePage") == {
        "Fachkräfte in Krefeld", "Fachkräfte anderswo",
    }


def test_search_finds_pages_by_text(client):
    found = titles(client, search="Krefelder", locale="de")
    assert "Krefelder Industriedialog gestartet" in found
    assert "Lange Nacht der Industrie" not in found


def test_search_with_type_and_filter(client):
    found = titles(client, search="Industriedialog", type="cms.NewsArticlePage", region="krefeld", locale="de")
    assert "Krefelder Industriedialog gestartet" in found
    assert "Studie erfasst erstmals regionale Industrieinitiativen" not in found
