"""webhook_delivery_send against a real HTTP receiver on 127.0.0.1: one attempt per call."""

import hashlib
import hmac
import json

import pytest

from cms.models import WebhookDelivery, WebhookEvent
from cms.services.webhooks import WebhookDeliveryRetry, webhook_delivery_send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_settings")]

Status = WebhookDelivery.Status


@pytest.fixture
def make_delivery(endpoint):
    def make(*, to=endpoint, **fields):
        payload = {"event": "page.published", "page": {"id": 1, "type": "cms.NewsArticlePage", "locale": "de"}}
        delivery = WebhookDelivery.objects.create(endpoint=to, event=WebhookEvent.PAGE_PUBLISHED, payload=payload,
                                                  **fields)
        delivery.payload["delivery_id"] = delivery.id
        delivery.save(update_fields=["payload"])
        return delivery

    return make


def send_expecting_retry(delivery) -> WebhookDeliveryRetry:
    with pytest.raises(WebhookDeliveryRetry) as raised:
        webhook_delivery_send(delivery_id=delivery.id)
    delivery.refresh_from_db()
    return raised.value


def test_a_2xx_answer_delivers_a_signed_json_post(make_delivery, endpoint, receiver):
    delivery = make_delivery()

    webhook_delivery_send(delivery_id=delivery.id)

    [request] = receiver.requests
    expected = "sha256=" + hmac.new(endpoint.secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["X-Dialogdesk-Signature"], expected)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Dialogdesk-Event"] == "page.published"
    assert request.headers["X-Dialogdesk-Delivery"] == str(delivery.id)
    assert json.loads(request.body) == delivery.payload
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.DELIVERED, 1, 200)
    assert delivery.delivered_at is not None and delivery.last_error == ""


def test_the_signature_does_not_verify_with_another_secret(make_delivery, receiver):
    webhook_delivery_send(delivery_id=make_delivery().id)

    [request] = receiver.requests
    forged = "sha256=" + hmac.new(b"not-the-secret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Dialogdesk-Signature"] != forged


def test_a_server_error_is_retried(make_delivery, receiver):
    receiver.answer(500)
    delivery = make_delivery()

    retry = send_expecting_retry(delivery)

    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.RETRYING, 1, 500)
    assert delivery.last_error.startswith("HTTP 500")
    assert retry.countdown == 0  # WEBHOOK_RETRY_BASE_SECONDS is 0 here
    assert delivery.last_attempt_at is not None


def test_a_slow_receiver_times_out_and_is_retried(make_delivery, receiver):
    receiver.answer(("slow", 1.5))  # read timeout is 0.3 s
    delivery = make_delivery()

    send_expecting_retry(delivery)

    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.RETRYING, 1, None)
    assert "ReadTimeout" in delivery.last_error


def test_a_receiver_that_is_down_is_retried(make_delivery, make_endpoint, down_url):
    delivery = make_delivery(to=make_endpoint(url=down_url))

    send_expecting_retry(delivery)

    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.RETRYING, 1, None)
    assert "ConnectionError" in delivery.last_error


def test_an_answer_that_is_not_http_is_retried(make_delivery, receiver):
    receiver.answer("garbage")
    delivery = make_delivery()

    send_expecting_retry(delivery)

    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.RETRYING, 1, None)
    assert delivery.last_error


def test_after_the_last_attempt_the_delivery_fails_without_raising(make_delivery, receiver, settings):
    receiver.answer(default=503)
    delivery = make_delivery()

    for attempt in range(1, settings.WEBHOOK_MAX_ATTEMPTS):
        send_expecting_retry(delivery)
        assert delivery.attempts == attempt

    webhook_delivery_send(delivery_id=delivery.id)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.FAILED, 3, 503)
    assert len(receiver.requests) == 3


def test_a_client_error_fails_at_once(make_delivery, receiver):
    receiver.answer(410)
    delivery = make_delivery()

    webhook_delivery_send(delivery_id=delivery.id)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.FAILED, 1, 410)
    assert delivery.last_error.startswith("HTTP 410")
    assert len(receiver.requests) == 1


def test_too_many_requests_is_retried(make_delivery, receiver):
    receiver.answer(429)
    delivery = make_delivery()

    send_expecting_retry(delivery)

    assert (delivery.status, delivery.last_status_code) == (Status.RETRYING, 429)


def test_a_delivered_delivery_is_not_posted_again(make_delivery, receiver):
    delivery = make_delivery()
    webhook_delivery_send(delivery_id=delivery.id)

    webhook_delivery_send(delivery_id=delivery.id)

    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.DELIVERED, 1)


def test_a_failed_delivery_is_not_posted_again(make_delivery, receiver):
    delivery = make_delivery(status=Status.FAILED, attempts=3)

    webhook_delivery_send(delivery_id=delivery.id)

    assert receiver.requests == []


def test_a_deactivated_endpoint_stops_its_retries(make_delivery, endpoint, receiver):
    delivery = make_delivery(status=Status.RETRYING, attempts=1)
    endpoint.is_active = False
    endpoint.save()

    webhook_delivery_send(delivery_id=delivery.id)

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 1)
    assert "deactivated" in delivery.last_error


def test_a_delivery_that_no_longer_exists_is_ignored(receiver):
    assert webhook_delivery_send(delivery_id=987654321) is None
    assert receiver.requests == []


def test_the_wait_grows_with_each_attempt(make_delivery, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 5
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    receiver.answer(default=500)
    delivery = make_delivery()

    waits = [send_expecting_retry(delivery).countdown for _attempt in range(3)]

    # 10, 20, 40 seconds, each within the 20 % jitter
    assert 8 <= waits[0] <= 12 and 16 <= waits[1] <= 24 and 32 <= waits[2] <= 48
