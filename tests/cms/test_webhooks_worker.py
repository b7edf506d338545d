"""Publish -> broker -> a real Celery worker -> the local HTTP receiver -> the row says delivered.

The worker runs in a thread of this process and has its own database
connection, so these tests commit for real (transactional, with a flush after
each). The broker is the configured one: Redis in CI, kombu's filesystem
transport otherwise.
"""

import time

import pytest
from wagtail.models import Page

from cms.models import HomePage, WebhookDelivery
from tests.cms.httpserver import start_receiver, stop_receiver

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("webhook_settings"),
]

Status = WebhookDelivery.Status


@pytest.fixture(scope="module")
def worker(celery_worker_thread):
    """One worker for the module: stopping one takes seconds on the filesystem transport (it polls)."""
    return celery_worker_thread


@pytest.fixture
def page():
    page = HomePage(title="Webhook worker test", slug="webhook-worker-test")
    Page.get_first_root_node().add_child(instance=page)
    return page


def wait_for_status(delivery: WebhookDelivery, *statuses, timeout: float = 10.0) -> WebhookDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.status in statuses:
            return delivery
        time.sleep(0.05)
    raise AssertionError(f"delivery {delivery.id} still {delivery.status} after {timeout} s: {delivery.last_error}")


def test_the_worker_delivers_a_published_page(worker, page, endpoint, receiver):
    page.save_revision().publish()

    delivery = wait_for_status(WebhookDelivery.objects.get(), Status.DELIVERED, Status.FAILED)

    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.DELIVERED, 1, 200)
    [request] = receiver.requests
    assert request.json()["page"]["id"] == page.id
    assert request.json()["delivery_id"] == delivery.id


def test_the_worker_retries_a_server_error_and_gives_up_on_a_client_error(worker, page, make_endpoint, receiver):
    # Both paths in one test: each transactional test reloads and flushes the demo content.
    receiver.answer(500)  # then the default, 200
    flaky = make_endpoint(name="Flaky")
    gone_receiver = start_receiver()
    gone_receiver.answer(default=410)
    gone = make_endpoint(name="Gone", url=gone_receiver.url)
    try:
        page.save_revision().publish()

        retried = wait_for_status(WebhookDelivery.objects.get(endpoint=flaky), Status.DELIVERED, Status.FAILED)
        given_up = wait_for_status(WebhookDelivery.objects.get(endpoint=gone), Status.DELIVERED, Status.FAILED)
    finally:
        stop_receiver(gone_receiver)

    assert (retried.status, retried.attempts, retried.last_status_code) == (Status.DELIVERED, 2, 200)
    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body  # the same delivery, sent again
    assert (given_up.status, given_up.attempts, given_up.last_status_code) == (Status.FAILED, 1, 410)
    assert len(gone_receiver.requests) == 1
