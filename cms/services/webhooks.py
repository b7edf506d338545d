"""Publish webhooks: create delivery rows, send one attempt, requeue what was lost.

Delivery is at least once: a receiver deduplicates on the delivery id in the
body. The body is signed with the endpoint's secret (HMAC-SHA256, hex, in
X-Dialogdesk-Signature as "sha256=<digest>").
"""

import hashlib
import hmac
import json
import logging
import random
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cms.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Dialogdesk-Signature"


class WebhookDeliveryRetry(Exception):
    """The attempt failed in a way that may succeed later (network, timeout, 5xx, 429)."""


def webhook_payload_for_page(*, event: str, page) -> dict:
    return {
        "event": str(event),
        "occurred_at": timezone.now().isoformat(),
        "page": {
            "id": page.id,
            "type": page.specific_class._meta.label if page.specific_class else "wagtailcore.Page",
            "title": page.title,
            "slug": page.slug,
            "locale": page.locale.language_code,
            "translation_key": str(page.translation_key),
            "url_path": page.url_path,
            "api_url": f"{settings.WAGTAILAPI_BASE_URL}/api/v2/pages/{page.id}/",
        },
    }


def sign_body(*, secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _enqueue(delivery_ids: list[int]) -> None:
    from cms.tasks import webhook_delivery_send_task

    for delivery_id in delivery_ids:
        try:
            # retry=False: a broker that is down must not hold up the editor who
            # published; the row stays pending and webhook_deliveries_requeue picks it up.
            webhook_delivery_send_task.apply_async((delivery_id,), retry=False)
        except Exception:
            logger.exception("Could not queue webhook delivery %s; it will be requeued", delivery_id)


def webhook_deliveries_create(*, event: str, page) -> list[WebhookDelivery]:
    """Create one pending delivery per active endpoint that wants the event.

    Sending is queued after the surrounding transaction commits. Calling it
    twice creates two deliveries: each publish is its own event.
    """
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if e.wants(event)]
    if not endpoints:
        return []
    payload = webhook_payload_for_page(event=event, page=page)
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(endpoint=endpoint, event=event, payload=payload) for endpoint in endpoints]
        )
        for delivery in deliveries:
            delivery.payload = {**payload, "delivery_id": delivery.id}
        WebhookDelivery.objects.bulk_update(deliveries, ["payload"])
        ids = [d.id for d in deliveries]
        transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


def _record(delivery: WebhookDelivery, **fields) -> None:
    WebhookDelivery.objects.filter(id=delivery.id).update(**fields)
    for name, value in fields.items():
        setattr(delivery, name, value)


def webhook_delivery_send(*, delivery_id: int) -> WebhookDelivery:
    """Make one attempt to deliver. Safe to call again: a finished delivery is left alone.

    Raises WebhookDeliveryRetry when the attempt failed and attempts remain;
    after the last allowed attempt the delivery is marked failed instead.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update().select_related("endpoint").filter(id=delivery_id).first()
        )
        if delivery is None or delivery.status in (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED):
            return delivery
        attempts = delivery.attempts + 1
        _record(delivery, attempts=attempts, last_attempt_at=timezone.now())

    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Dialogdesk-Webhooks/1.0",
        "X-Dialogdesk-Event": delivery.event,
        "X-Dialogdesk-Delivery": str(delivery.id),
        SIGNATURE_HEADER: sign_body(secret=delivery.endpoint.secret, body=body),
    }
    status_code, error = None, ""
    try:
        response = requests.post(
            delivery.endpoint.url, data=body, headers=headers, allow_redirects=False,
            timeout=(settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT),
        )
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}: {response.text[:500]}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]

    if not error:
        _record(delivery, status=WebhookDelivery.Status.DELIVERED, last_status_code=status_code,
                last_error="", delivered_at=timezone.now())
        return delivery

    retryable = status_code is None or status_code >= 500 or status_code in (408, 409, 425, 429)
    if retryable and attempts < settings.WEBHOOK_MAX_ATTEMPTS:
        _record(delivery, status=WebhookDelivery.Status.RETRYING, last_status_code=status_code, last_error=error)
        raise WebhookDeliveryRetry(error)
    _record(delivery, status=WebhookDelivery.Status.FAILED, last_status_code=status_code, last_error=error)
    return delivery


def webhook_retry_delay(*, attempt: int) -> int:
    """Exponential backoff with jitter, capped at one hour."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS * (2 ** max(attempt - 1, 0))
    return int(min(base, 3600) * random.uniform(0.8, 1.2))


def webhook_deliveries_requeue(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Queue again deliveries whose task was lost (broker down, worker gone). Returns the count."""
    cutoff = timezone.now() - older_than
    stale = WebhookDelivery.objects.filter(
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING]
    ).filter(created_at__lt=cutoff).exclude(last_attempt_at__gte=cutoff)
    ids = list(stale.values_list("id", flat=True)[:1000])
    _enqueue(ids)
    return len(ids)


def webhook_delivery_retry_now(*, delivery: WebhookDelivery) -> None:
    """Staff asked to try a failed delivery again: it gets a fresh set of attempts."""
    WebhookDelivery.objects.filter(id=delivery.id).update(status=WebhookDelivery.Status.PENDING, attempts=0)
    transaction.on_commit(lambda: _enqueue([delivery.id]))
