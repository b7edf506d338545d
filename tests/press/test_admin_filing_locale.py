"""A press release offers regions, initiatives, topics and boilerplates of its own language only."""

import pytest

from cms.models import Topic
from press.models import NewsroomPage, PressReleasePage
from tests.press.conftest import add_url, edit_url, release_form

pytestmark = pytest.mark.django_db

TRANSLATABLE_FIELDS = ["regions", "initiatives", "topics", "boilerplate"]


def offered_locales(response) -> dict[str, set[str]]:
    assert response.status_code == 200
    form = response.context["form"]
    return {name: {item.locale.language_code for item in form.fields[name].queryset} for name in TRANSLATABLE_FIELDS}


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_new_release_offers_only_items_of_its_newsroom_language(press_client, language):
    newsroom = NewsroomPage.objects.get(locale__language_code=language)
    response = press_client.get(add_url(newsroom))
    offered = offered_locales(response)
    assert offered == {name: {language} for name in TRANSLATABLE_FIELDS if offered[name]}
    assert offered["regions"] and offered["topics"]


def test_editing_the_german_release_offers_german_items_only(press_client, german):
    release = PressReleasePage.objects.filter(locale=german).first()
    response = press_client.get(edit_url(release))
    assert offered_locales(response) == {name: {"de"} for name in TRANSLATABLE_FIELDS}
    assert "Thuringia" not in response.content.decode()


def test_a_german_release_under_an_english_topic_is_refused(press_client, newsroom, english):
    topic = Topic.objects.filter(locale=english).first()
    data = release_form(action=None)
    data["topics"] = [str(topic.pk)]
    response = press_client.post(add_url(newsroom), data)
    assert response.status_code == 200
    assert "topics" in response.context["form"].errors
    assert not PressReleasePage.objects.filter(slug="industriedialog-thueringen-presse").exists()


def test_a_german_release_under_a_german_topic_is_saved(press_client, newsroom, german):
    topic = Topic.objects.filter(locale=german).first()
    data = release_form(action=None)
    data["topics"] = [str(topic.pk)]
    response = press_client.post(add_url(newsroom), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    assert list(PressReleasePage.objects.get(slug="industriedialog-thueringen-presse").topics.all()) == [topic]
