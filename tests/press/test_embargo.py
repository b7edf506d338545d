"""Before its embargo a release leaks nowhere; at the embargo Wagtail's scheduled publishing puts it live.

Each no-leak test also shows the same request finding the release once it is
live, so it would fail if the release leaked or if the request could not see it at all.
"""

import datetime
import time

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection

from cms.models import NewsArticlePage, WebhookDelivery, WebhookEndpoint, WebhookEvent
from cms.tasks import pages_publish_scheduled_task
from press.models import PressReleasePage
from tests.press.factories import release_create

pytestmark = pytest.mark.django_db
RELEASES = "/api/v2/pages/"


@pytest.fixture
def image(image_factory):
    return image_factory(title="Sperrfrist-Bild", credit="Foto: N3tzwerk")


@pytest.fixture
def document():
    return get_document_model().objects.create(
        title="Sperrfrist-Hintergrund", file=ContentFile(b"%PDF-1.4 embargoed", name="hintergrund.pdf"),
        collection=Collection.get_first_root_node(),
    )


# Long enough for the checks before it, short enough to wait for: the tests use the real clock.
EMBARGO_AHEAD = datetime.timedelta(seconds=4)


@pytest.fixture
def embargoed(newsroom, image, document):
    release = release_create(newsroom=newsroom, embargo=timezone.now() + EMBARGO_AHEAD,
                             images=[image], documents=[document], translate=True)
    assert not release.live
    return release


def go_live(release) -> None:
    """Wait for the embargo, then run what beat runs every minute (the real publish_scheduled command)."""
    time.sleep(max(0.0, (release.embargo_until - timezone.now()).total_seconds()) + 0.05)
    pages_publish_scheduled_task.apply()
    assert PressReleasePage.objects.get(pk=release.pk).live


def listed_ids(client, **params) -> set[int]:
    response = client.get(RELEASES, {"type": "press.PressReleasePage", **params})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_the_api_does_not_show_a_release_before_its_embargo(client, embargoed, english):
    translation = embargoed.get_translation(english)
    ids = {embargoed.pk, translation.pk}
    queries = [{}, {"locale": "de"}, {"locale": "en"}, {"search": "Sperrfrist-Test"}, {"region": "krefeld"},
               {"translation_of": embargoed.get_parent().pk}]

    assert all(not (listed_ids(client, **query) & ids) for query in queries)
    assert client.get(f"{RELEASES}{embargoed.pk}/").status_code == 404
    assert client.get(f"{RELEASES}{translation.pk}/").status_code == 404
    missing = client.get(RELEASES, {"translation_of": 2147483000})
    hidden = client.get(RELEASES, {"translation_of": embargoed.pk})
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()) == (400, missing.json())

    go_live(embargoed)

    assert client.get(f"{RELEASES}{embargoed.pk}/").status_code == 200
    assert embargoed.pk in listed_ids(client, locale="de", region="krefeld")
    assert embargoed.pk in listed_ids(client, search="Sperrfrist-Test")
    assert client.get(RELEASES, {"translation_of": embargoed.pk}).json()["items"][0]["id"] == translation.pk


def test_images_and_documents_only_the_release_uses_are_held_until_the_embargo(client, embargoed, image, document):
    rendition_url = image.get_rendition("max-1200x1200").url
    document_url = document.url

    assert image.pk not in {i["id"] for i in client.get("/api/v2/images/").json()["items"]}
    assert client.get(f"/api/v2/images/{image.pk}/").status_code == 404
    assert document.pk not in {d["id"] for d in client.get("/api/v2/documents/").json()["items"]}
    assert client.get(f"/api/v2/documents/{document.pk}/").status_code == 404
    assert client.get(rendition_url).status_code == 404
    assert client.get(document_url).status_code == 404

    go_live(embargoed)

    assert image.pk in {i["id"] for i in client.get("/api/v2/images/").json()["items"]}
    assert client.get(rendition_url).status_code == 200
    assert client.get(document_url).status_code == 200
    detail = client.get(f"{RELEASES}{embargoed.pk}/").json()
    assert detail["images"][0]["image"]["credit"] == "Foto: N3tzwerk"
    assert detail["documents"][0]["document"]["title"] == "Sperrfrist-Hintergrund"


def test_an_image_a_live_page_also_uses_stays_public(client, newsroom, image_factory, news_index,
                                                     django_capture_on_commit_callbacks):
    shared = image_factory(title="Geteiltes Bild")
    article = NewsArticlePage.objects.child_of(news_index).live().first()
    article.image = shared
    with django_capture_on_commit_callbacks(execute=True):  # the reference index is updated on commit
        article.save_revision().publish()
    release_create(newsroom=newsroom, embargo=timezone.now() + datetime.timedelta(hours=3), images=[shared])

    assert client.get(shared.get_rendition("max-1200x1200").url).status_code == 200
    assert client.get(f"/api/v2/images/{shared.pk}/").status_code == 200


def test_the_press_office_still_previews_an_embargoed_release_with_its_images(client, embargoed, image):
    token = embargoed.create_page_preview().token

    response = client.get("/api/v2/page_preview/", {"content_type": "press.pressreleasepage", "token": token})

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Sperrfrist-Test: Neue Modellregion"
    assert body["images"][0]["image"]["id"] == image.pk


def test_the_press_office_sees_held_renditions_in_the_admin(press_client, embargoed, image):
    assert press_client.get(image.get_rendition("max-1200x1200").url).status_code == 200


def test_scheduling_sends_no_webhook_and_going_live_does(settings, newsroom, django_capture_on_commit_callbacks):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    WebhookEndpoint.objects.create(name="Frontend", url="http://127.0.0.1:9/hooks")

    with django_capture_on_commit_callbacks():
        release = release_create(newsroom=newsroom, embargo=timezone.now() + EMBARGO_AHEAD)

    assert not WebhookDelivery.objects.filter(payload__page__id=release.pk).exists()

    with django_capture_on_commit_callbacks():
        go_live(release)

    [delivery] = WebhookDelivery.objects.filter(payload__page__id=release.pk)
    assert delivery.event == WebhookEvent.PAGE_PUBLISHED


def test_at_the_embargo_the_command_puts_it_live_and_the_cached_listing_changes(
    client, newsroom, django_capture_on_commit_callbacks
):
    embargo = timezone.now() + datetime.timedelta(seconds=2)
    release = release_create(newsroom=newsroom, embargo=embargo)
    first = client.get(RELEASES, {"type": "press.PressReleasePage", "locale": "de"})
    cached = client.get(RELEASES, {"type": "press.PressReleasePage", "locale": "de"})
    assert cached["X-Cache"] == "hit" and release.pk not in {i["id"] for i in cached.json()["items"]}

    pages_publish_scheduled_task.apply()  # too early: nothing happens
    assert not PressReleasePage.objects.get(pk=release.pk).live
    time.sleep(max(0.0, (embargo - timezone.now()).total_seconds()) + 0.1)
    with django_capture_on_commit_callbacks(execute=True):
        pages_publish_scheduled_task.apply()

    assert PressReleasePage.objects.get(pk=release.pk).live
    after = client.get(RELEASES, {"type": "press.PressReleasePage", "locale": "de"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["X-Cache"] == "miss"
    assert release.pk in {i["id"] for i in after.json()["items"]}


def test_beat_runs_scheduled_publishing_every_minute(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values()
                 if e["task"] == "cms.tasks.pages_publish_scheduled_task")
    assert entry["schedule"] <= 60
