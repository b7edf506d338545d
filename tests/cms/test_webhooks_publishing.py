"""An endpoint that is down, slow or answers garbage, or a broker that is down, never holds up publishing.

Publishing only writes rows and, after commit, puts one message per row on
the broker; the HTTP call happens in the task.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from cms.models import NewsArticlePage, WebhookDelivery
from cms.services.webhooks import webhook_deliveries_requeue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_settings")]

SEND_TASK = "cms.tasks.webhook_delivery_send_task"
# Far below what any blocking call here would take (the slow receiver sleeps 2 s,
# kombu's default connection retries take about 6 s).
QUICK = 1.0


@pytest.fixture
def article(news_index):
    return NewsArticlePage.objects.child_of(news_index).live().first()


def publish_and_commit(page, capture) -> float:
    started = time.monotonic()
    with capture(execute=True):
        page.save_revision().publish()
    return time.monotonic() - started


def test_slow_down_and_garbage_endpoints_are_not_called_while_publishing(
    article, receiver, make_endpoint, down_url, broker_queue, django_capture_on_commit_callbacks
):
    receiver.answer(("slow", 2), "garbage")
    make_endpoint(name="Slow")
    make_endpoint(name="Garbage")
    make_endpoint(name="Down", url=down_url)

    elapsed = publish_and_commit(article, django_capture_on_commit_callbacks)

    assert elapsed < QUICK
    assert receiver.requests == []
    ids = set(WebhookDelivery.objects.values_list("id", flat=True))
    assert len(ids) == 3
    assert {args[0] for _name, args in broker_queue.take()} == ids


def test_a_broker_that_is_down_does_not_fail_or_slow_publishing(
    article, make_endpoint, broker_unreachable, broker_queue, django_capture_on_commit_callbacks
):
    make_endpoint(name="Frontend")
    make_endpoint(name="Search index")

    with broker_unreachable():
        elapsed = publish_and_commit(article, django_capture_on_commit_callbacks)

    assert elapsed < QUICK
    article.refresh_from_db()
    assert article.live and not article.has_unpublished_changes
    deliveries = WebhookDelivery.objects.all()
    assert [d.status for d in deliveries] == [WebhookDelivery.Status.PENDING] * 2
    assert broker_queue.take() == []

    # Once the broker is back, the requeue finds the rows that never got a task.
    deliveries.update(created_at=timezone.now() - timedelta(minutes=20))
    assert webhook_deliveries_requeue() == 2
    assert sorted(args[0] for _name, args in broker_queue.take()) == sorted(d.id for d in deliveries)
