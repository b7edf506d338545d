"""The pages API serves a published release with its contacts, boilerplate and partners, per language."""

import pytest

from press.models import PressReleasePage

pytestmark = pytest.mark.django_db


def test_a_release_in_the_api_carries_contacts_boilerplate_and_partners(client, german, english):
    release = PressReleasePage.objects.get(locale=german, slug="n3tzwerk-unterstuetzt-industriedialog-in-regionen")

    german_body = client.get(f"/api/v2/pages/{release.pk}/").json()
    english_body = client.get(f"/api/v2/pages/{release.get_translation(english).pk}/").json()

    assert german_body["dateline"] == "Berlin" and german_body["release_date"] == "2017-01-16"
    assert german_body["embargo_until"] is None
    contact = german_body["press_contacts"][0]["contact"]
    assert (contact["name"], contact["mobile"], contact["photo"]) == ("Simone Ebel-Schmidt", "(0170) 3333 718", None)
    assert german_body["boilerplate"]["heading"] == "Über das N3tzwerk Zukunft der Industrie"
    assert english_body["boilerplate"]["heading"] == "About N3tzwerk Zukunft der Industrie"
    assert {p["name"] for p in german_body["partners"]} >= {"Prognos AG", "Operation Apps GmbH"}
    assert len(german_body["regions"]) == 6


def test_releases_are_listed_by_type_language_and_region(client, german):
    listed = client.get("/api/v2/pages/", {"type": "press.PressReleasePage", "locale": "en", "region": "krefeld",
                                           "fields": "release_date,dateline"}).json()["items"]

    assert [item["title"] for item in listed] == ["N3tzwerk supports the industry dialogue in the regions"]


def test_releases_are_filtered_by_initiative_and_topic(client, german, newsroom):
    from cms.models import InitiativePage, Topic
    from tests.press.factories import release_create

    initiative = InitiativePage.objects.filter(locale=german).live().first()
    other = release_create(newsroom=newsroom, slug="mit-initiative")
    other.initiatives.set([initiative])
    other.save_revision().publish()

    def titles(**params):
        response = client.get("/api/v2/pages/", {"type": "press.PressReleasePage", "locale": "de", **params})
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["items"]]

    assert titles(initiative=initiative.slug) == [other.title]
    assert titles(topic="akzeptanz") == ["N3tzwerk unterstützt Industriedialog in Regionen"]
    english_topic = Topic.objects.get(slug="akzeptanz", locale=german).get_translation(
        german.__class__.objects.get(language_code="en"))
    assert titles(topic=str(english_topic.pk)) == ["N3tzwerk unterstützt Industriedialog in Regionen"]
    assert client.get("/api/v2/pages/", {"type": "press.PressReleasePage", "topic": "gibt-es-nicht"}).status_code == 400
