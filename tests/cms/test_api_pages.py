"""The pages endpoint: locales, translations, client errors and the fields of every page type."""

import datetime

import pytest
from wagtail.models import Page

from cms.models import EventPage, InitiativePage, NewsArticlePage, RegionPage, StudyPage

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"


def get_json(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, response.content[:500]
    return response.json()


def page(model, slug, language_code):
    return model.objects.get(slug=slug, locale__language_code=language_code)


@pytest.mark.parametrize("language_code", ["de", "en"])
def test_locale_filter_returns_only_that_locale(client, language_code):
    data = get_json(client, PAGES, locale=language_code, limit=100)
    expected = Page.objects.live().filter(locale__language_code=language_code, depth__gt=1).count()
    assert data["meta"]["total_count"] == expected > 15
    assert {item["meta"]["locale"] for item in data["items"]} == {language_code}


def test_translation_of_german_page_finds_english_translation(client):
    thueringen = page(RegionPage, "thueringen", "de")
    data = get_json(client, PAGES, translation_of=thueringen.id, locale="en")
    assert [(item["title"], item["meta"]["locale"]) for item in data["items"]] == [("Thuringia", "en")]


@pytest.mark.parametrize(
    ("params", "message_part"),
    [
        ({"locale": "xx"}, "Unknown locale 'xx'"),
        ({"locale": ""}, "Unknown locale"),
        ({"region": "doesnotexist"}, "doesnotexist"),
        ({"initiative": "999999"}, "999999"),
        ({"topic": "no-such-topic"}, "no-such-topic"),
        ({"type": "nonsense"}, "nonsense"),
        ({"type": "cms.NoSuchPage"}, "cms.NoSuchPage"),
        ({"type": "cms.RegionPage", "region": "krefeld"}, "does not apply"),
        ({"type": "cms.RegionPage", "initiative": "buendnis-krefeld"}, "does not apply"),
        ({"limit": "abc"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"translation_of": "abc"}, "translation_of"),
        ({"child_of": "abc"}, "child_of"),
        ({"order": "nonsense"}, "nonsense"),
        ({"fields": "nonsense"}, "nonsense"),
        ({"colour": "blue"}, "colour"),
        # Each of these was a 500 in Wagtail's own API.
        ({"offset": "99999999999999999999"}, "offset"),
        ({"site": "nowhere.example"}, "nowhere.example"),
        ({"type": "cms.NewsArticlePage", "date": "abc"}, "abc"),
        ({"type": "cms.EventPage", "start_at": "tomorrow"}, "tomorrow"),
        ({"search": "Industrie", "search_operator": "xor"}, "search_operator"),
    ],
)
def test_invalid_query_is_a_400_with_a_message(client, params, message_part):
    response = client.get(PAGES, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert message_part in response.json()["message"]


@pytest.mark.parametrize("endpoint", ["pages", "images", "documents"])
def test_find_with_a_malformed_id_is_400(client, endpoint):
    response = client.get(f"/api/v2/{endpoint}/find/", {"id": "abc"})
    assert response.status_code == 400
    assert "id" in response.json()["message"]


def test_find_redirects_to_the_detail_view(client):
    krefeld = page(RegionPage, "krefeld", "de")
    response = client.get(f"{PAGES}find/", {"html_path": "/modellregionen/krefeld/"})
    assert response.status_code == 302
    assert f"/api/v2/pages/{krefeld.id}/" in response["Location"]


def test_api_answers_json_even_to_browsers(client):
    response = client.get(PAGES, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_unknown_page_is_a_json_404(client):
    response = client.get(f"{PAGES}999999/")
    assert response.status_code == 404
    assert "message" in response.json()


def test_region_page_exposes_level_state_contacts_and_dialogues(client):
    thueringen = page(RegionPage, "thueringen", "de")
    data = get_json(client, f"{PAGES}{thueringen.id}/")
    assert (data["level"], data["federal_state"]) == ("state", "TH")
    assert data["contacts"][0]["role"] == "Pressekontakt"
    assert set(data["contacts"][0]) == {"name", "role", "organisation", "email", "phone"}
    assert [d["title"] for d in data["dialogues"]] == ["Regionaler Industriedialog Thüringen"]
    assert data["dialogues"][0]["kind"] == "regional-dialogue"


def test_english_region_lists_its_english_dialogues(client):
    thuringia = page(RegionPage, "thueringen", "en")
    data = get_json(client, f"{PAGES}{thuringia.id}/")
    assert len(data["dialogues"]) == 1
    event = EventPage.objects.get(id=data["dialogues"][0]["id"])
    assert event.locale.language_code == "en"


def test_initiative_page_exposes_partners_regions_and_goals(client):
    krefeld = page(InitiativePage, "buendnis-krefeld", "de")
    data = get_json(client, f"{PAGES}{krefeld.id}/")
    assert data["goals"].startswith("<p>")
    assert [r["slug"] for r in data["regions"]] == ["krefeld"]
    assert data["partners"] and set(data["partners"][0]) == {"id", "name", "kind", "website"}
    assert {"logo_rendition", "activities", "good_practices", "contact_email"} <= set(data)


def test_event_page_exposes_start_and_place(client):
    event = page(EventPage, "industriedialog-thueringen", "de")
    data = get_json(client, f"{PAGES}{event.id}/")
    assert data["place"] == "Erfurt"
    assert datetime.datetime.fromisoformat(data["start_at"]) == event.start_at
    assert data["kind"] == "regional-dialogue"
    assert [r["slug"] for r in data["regions"]] == ["thueringen"]


def test_study_page_exposes_kind_and_authors(client):
    study = page(StudyPage, "lange-nacht-der-industrie", "de")
    data = get_json(client, f"{PAGES}{study.id}/")
    assert data["kind"] == "good-practice"
    assert "publication_date" in data and "document" in data


def test_news_article_exposes_date_and_body(client):
    article = page(NewsArticlePage, "n3tzwerk-unterstuetzt-industriedialog", "de")
    data = get_json(client, f"{PAGES}{article.id}/")
    assert data["date"] == "2017-01-16"
    assert data["body"][0]["type"] == "text"
    assert "Industrie" in data["body"][0]["value"]
    assert len(data["regions"]) == 6


def test_links_on_an_english_page_come_back_in_english(client):
    article = page(NewsArticlePage, "krefelder-industriedialog-gestartet", "en")
    data = get_json(client, f"{PAGES}{article.id}/")
    assert [t["name"] for t in data["topics"]] == ["Industry dialogue"]
    assert [i["title"] for i in data["initiatives"]] == ["Alliance for the Future of Industry Krefeld"]
    region_ids = [r["id"] for r in data["regions"]]
    assert RegionPage.objects.get(id=region_ids[0]).locale.language_code == "en"


def test_listing_with_fields_localises_links_per_item(client):
    data = get_json(client, PAGES, type="cms.NewsArticlePage", fields="topics", locale="en")
    names = {topic["name"] for item in data["items"] for topic in item["topics"]}
    assert "Industry dialogue" in names
    assert "Industriedialog" not in names


@pytest.mark.parametrize("language, message", [
    ("de", "Unbekannte Sprache „xx“. Bekannte Sprachen: de, en."),
    ("en", "Unknown locale 'xx'. Known locales: de, en."),
    ("", "Unbekannte Sprache „xx“. Bekannte Sprachen: de, en."),  # the site's language by default
])
def test_error_messages_speak_the_clients_language(client, language, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client.get(PAGES, {"locale": "xx"}, **headers)
    assert response.status_code == 400
    assert response.json()["message"] == message
