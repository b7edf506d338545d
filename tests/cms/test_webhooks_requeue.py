"""Deliveries whose task was lost are queued again; failed ones can be retried by hand."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.models import WebhookDelivery, WebhookEvent
from cms.services.webhooks import (
    WebhookDeliveryNotRetryable,
    webhook_deliveries_requeue,
    webhook_delivery_retry_now,
)
from cms.tasks import webhook_deliveries_requeue_task

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status
SEND_TASK = "cms.tasks.webhook_delivery_send_task"


@pytest.fixture
def make_delivery(endpoint):
    def make(*, age: timedelta = timedelta(0), last_attempt_ago: timedelta | None = None, **fields):
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=WebhookEvent.PAGE_PUBLISHED, payload={"event": "page.published"}, **fields
        )
        now = timezone.now()
        # created_at is auto_now_add: set the past through update().
        WebhookDelivery.objects.filter(id=delivery.id).update(
            created_at=now - age, last_attempt_at=None if last_attempt_ago is None else now - last_attempt_ago
        )
        return delivery

    return make


def test_stale_pending_deliveries_are_queued_again(make_delivery, broker_queue):
    lost = make_delivery(age=timedelta(minutes=20))
    make_delivery(age=timedelta(minutes=2))  # its task is most likely still in the queue
    make_delivery(age=timedelta(hours=1), status=Status.DELIVERED)
    make_delivery(age=timedelta(hours=1), status=Status.FAILED)

    assert webhook_deliveries_requeue() == 1

    assert broker_queue.take() == [(SEND_TASK, (lost.id,))]


def test_a_pending_delivery_whose_worker_died_mid_attempt_is_queued_again(make_delivery, broker_queue):
    crashed = make_delivery(age=timedelta(hours=1), last_attempt_ago=timedelta(minutes=30), attempts=1)
    make_delivery(age=timedelta(hours=1), last_attempt_ago=timedelta(minutes=1), attempts=1)

    assert webhook_deliveries_requeue() == 1

    assert broker_queue.take() == [(SEND_TASK, (crashed.id,))]


def test_a_retrying_delivery_is_left_to_its_task_while_the_backoff_may_still_be_running(
    make_delivery, broker_queue, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    # The 7th attempt waits up to 30 * 2**6 s plus 20 % jitter: about 38 minutes.
    waiting = make_delivery(age=timedelta(hours=3), status=Status.RETRYING, attempts=7,
                            last_attempt_ago=timedelta(minutes=40))
    lost = make_delivery(age=timedelta(hours=3), status=Status.RETRYING, attempts=7,
                         last_attempt_ago=timedelta(minutes=60))
    early = make_delivery(age=timedelta(hours=1), status=Status.RETRYING, attempts=1,
                          last_attempt_ago=timedelta(minutes=20))

    assert webhook_deliveries_requeue() == 2

    queued = {args[0] for _name, args in broker_queue.take()}
    assert queued == {lost.id, early.id}
    assert waiting.id not in queued


def test_the_beat_task_runs_the_requeue(make_delivery, broker_queue):
    lost = make_delivery(age=timedelta(minutes=30))

    assert webhook_deliveries_requeue_task.apply().get() == 1

    assert broker_queue.take() == [(SEND_TASK, (lost.id,))]


def test_retry_now_gives_a_failed_delivery_fresh_attempts_and_queues_it_after_commit(
    make_delivery, broker_queue, django_capture_on_commit_callbacks
):
    delivery = make_delivery(status=Status.FAILED, attempts=3, last_error="HTTP 500: boom")

    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_retry_now(delivery=delivery)
        assert broker_queue.take() == []

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 0)
    assert delivery.last_error == "HTTP 500: boom"  # kept until the next attempt tells a new story
    assert broker_queue.take() == [(SEND_TASK, (delivery.id,))]


@pytest.mark.parametrize("status", [Status.PENDING, Status.RETRYING, Status.DELIVERED])
def test_only_failed_deliveries_can_be_retried_now(make_delivery, broker_queue, status,
                                                   django_capture_on_commit_callbacks):
    delivery = make_delivery(status=status, attempts=1)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WebhookDeliveryNotRetryable):
        webhook_delivery_retry_now(delivery=delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (status, 1)
    assert broker_queue.take() == []
