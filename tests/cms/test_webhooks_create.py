"""webhook_deliveries_create through Wagtail's publish and unpublish, and the task it queues after commit."""

import pytest

from cms.models import NewsArticlePage, WebhookDelivery, WebhookEvent
from cms.services.webhooks import webhook_deliveries_create

pytestmark = pytest.mark.django_db

SEND_TASK = "cms.tasks.webhook_delivery_send_task"


@pytest.fixture
def article(news_index):
    return NewsArticlePage.objects.child_of(news_index).live().first()


def test_publishing_creates_one_delivery_per_endpoint_that_wants_it(article, make_endpoint):
    frontend = make_endpoint(name="Frontend")
    search = make_endpoint(name="Search index")
    make_endpoint(name="Switched off", is_active=False)
    make_endpoint(name="Unpublish only", on_publish=False)

    article.save_revision().publish()

    deliveries = WebhookDelivery.objects.order_by("endpoint__name")
    assert [d.endpoint for d in deliveries] == [frontend, search]
    assert {d.status for d in deliveries} == {WebhookDelivery.Status.PENDING}
    assert {d.event for d in deliveries} == {WebhookEvent.PAGE_PUBLISHED}


def test_the_payload_names_the_event_the_page_and_the_delivery(article, endpoint):
    article.save_revision().publish()

    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["event"] == "page.published"
    assert delivery.payload["delivery_id"] == delivery.id
    page = delivery.payload["page"]
    assert (page["id"], page["type"], page["locale"]) == (article.id, "cms.NewsArticlePage", "de")
    assert page["translation_key"] == str(article.translation_key)
    assert page["api_url"].endswith(f"/api/v2/pages/{article.id}/")


def test_unpublishing_creates_deliveries_for_endpoints_that_want_it(article, make_endpoint):
    make_endpoint(name="Publish only", on_unpublish=False)
    wants_it = make_endpoint(name="Frontend")

    article.unpublish()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.event) == (wants_it, WebhookEvent.PAGE_UNPUBLISHED)
    assert delivery.payload["event"] == "page.unpublished"


def test_no_endpoints_no_deliveries(article):
    article.save_revision().publish()

    assert not WebhookDelivery.objects.exists()


def test_each_publish_is_its_own_delivery(article, endpoint):
    article.save_revision().publish()
    article.save_revision().publish()

    ids = sorted(WebhookDelivery.objects.values_list("payload__delivery_id", flat=True))
    assert ids == sorted(WebhookDelivery.objects.values_list("id", flat=True))
    assert len(ids) == 2


def test_the_send_task_reaches_the_broker_only_after_commit(
    article, endpoint, broker_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article.save_revision().publish()
        # Still inside the transaction: a worker must not look for a row it cannot see yet.
        assert broker_queue.take() == []

    assert callbacks
    delivery = WebhookDelivery.objects.get()
    assert broker_queue.take() == [(SEND_TASK, (delivery.id,))]


def test_calling_the_service_directly_for_a_translation(english, article, endpoint, broker_queue,
                                                        django_capture_on_commit_callbacks):
    translation = article.get_translation(english)

    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_deliveries_create(event=WebhookEvent.PAGE_PUBLISHED, page=translation)

    assert delivery.payload["page"]["locale"] == "en"
    assert broker_queue.take() == [(SEND_TASK, (delivery.id,))]
