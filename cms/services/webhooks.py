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
from cms.services.webhook_targets import InvalidIPAddress, http_allowed, webhook_session

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Dialogdesk-Signature"


# How much of an error response is kept on the row; the rest is never read, so a
# receiver answering with megabytes of garbage costs nothing. Short, too, because the
# log is no window into a receiver's internals; the admin shows it as text.
ERROR_BODY_LIMIT = 200
# 45 minutes, at most 54 with jitter: a retry waits in a worker's memory until
# its ETA, and Redis hands an unacknowledged message to another worker after
# its visibility timeout (one hour by default), which would double the attempt.
RETRY_DELAY_CAP_SECONDS = 45 * 60
RETRY_JITTER = 0.2


class WebhookDeliveryRetry(Exception):
    """The attempt failed in a way that may succeed later (network, timeout, 5xx, 429).

    `countdown` is when to try again, in seconds: the service decides it from
    the row's attempts, so a requeued task backs off as far as the first one.
    """

    def __init__(self, message: str, *, countdown: int):
        super().__init__(message)
        self.countdown = countdown


class WebhookDeliveryNotRetryable(Exception):
    """Only a failed delivery can be retried by hand; others are still on their way."""


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
    """Queue one send task per delivery; never raise, never wait on a broker that is down.

    This runs in on_commit after a publish, inside the editor's request. Kombu's
    defaults retry a refused connection for seconds, per message, so the
    connection is made once, with no retries, and the first failure stops the
    loop: the rows stay pending and webhook_deliveries_requeue picks them up.
    """
    from cms.tasks import webhook_delivery_send_task as task

    if not delivery_ids:
        return
    try:
        with task.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0)
            for delivery_id in delivery_ids:
                task.apply_async((delivery_id,), connection=connection, retry=False)
    except Exception:
        logger.exception("Could not queue webhook deliveries %s; they will be requeued", delivery_ids)


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


def webhook_delivery_send(*, delivery_id: int) -> WebhookDelivery | None:
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
        if not delivery.endpoint.is_active:
            # Staff switch an endpoint off to stop it being called; that includes retries already queued.
            _record(delivery, status=WebhookDelivery.Status.FAILED, last_error="The endpoint was deactivated.")
            return delivery
        attempts = delivery.attempts + 1
        # Counted before the request: a worker that dies mid-request still used up an attempt.
        _record(delivery, attempts=attempts, last_attempt_at=timezone.now())

    try:
        status_code, error = _post(delivery)
    except _TargetRefused as exc:
        # No retry: the address will not become acceptable by waiting.
        _record(delivery, status=WebhookDelivery.Status.FAILED, last_status_code=None, last_error=str(exc))
        return delivery
    if not error:
        _record(delivery, status=WebhookDelivery.Status.DELIVERED, last_status_code=status_code,
                last_error="", delivered_at=timezone.now())
        return delivery

    retryable = status_code is None or status_code >= 500 or status_code in (408, 409, 425, 429)
    if retryable and attempts < settings.WEBHOOK_MAX_ATTEMPTS:
        _record(delivery, status=WebhookDelivery.Status.RETRYING, last_status_code=status_code, last_error=error)
        raise WebhookDeliveryRetry(error, countdown=webhook_retry_delay(attempt=attempts))
    _record(delivery, status=WebhookDelivery.Status.FAILED, last_status_code=status_code, last_error=error)
    return delivery


class _TargetRefused(Exception):
    """The endpoint's URL is one deliveries may not go to (cms.services.webhook_targets)."""


def _excerpt(raw: bytes) -> str:
    # Text on one line; the admin escapes it like any other value.
    return " ".join(raw.decode(errors="replace").split())[:ERROR_BODY_LIMIT]


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the signed payload once. Returns (HTTP status or None, error text or ""). Raises
    _TargetRefused, before connecting, for plain http (unless allowed) or an internal address."""
    url = delivery.endpoint.url
    if not url.lower().startswith("https://") and not http_allowed():
        raise _TargetRefused("Refused: the endpoint uses plain http; only https is allowed (DEBUG is off).")
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Dialogdesk-Webhooks/1.0",
        "X-Dialogdesk-Event": delivery.event,
        "X-Dialogdesk-Delivery": str(delivery.id),
        SIGNATURE_HEADER: sign_body(secret=delivery.endpoint.secret, body=body),
    }
    try:
        # stream=True: the body is only read on failure, and then only its start.
        with webhook_session() as session, session.post(
            url, data=body, headers=headers, allow_redirects=False, stream=True,
            timeout=(settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT),
        ) as response:
            if 200 <= response.status_code < 300:
                return response.status_code, ""
            start = response.raw.read(ERROR_BODY_LIMIT * 4, decode_content=True) or b""
            return response.status_code, f"HTTP {response.status_code}: {_excerpt(start)}"
    except InvalidIPAddress as exc:
        raise _TargetRefused(f"Refused: the endpoint's host resolves to an internal address ({exc}); "
                             "webhooks go to public receivers only (WEBHOOK_ALLOW_PRIVATE_TARGETS is off).") from exc
    except (requests.RequestException, OSError) as exc:
        # OSError: urllib3 lets some socket errors through while reading the error body.
        return None, f"{type(exc).__name__}: {exc}"[:1000]


def webhook_retry_delay(*, attempt: int) -> int:
    """Exponential backoff with jitter, capped (RETRY_DELAY_CAP_SECONDS)."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS * (2 ** max(attempt - 1, 0))
    return int(min(base, RETRY_DELAY_CAP_SECONDS) * random.uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER))


def _longest_retry_delay(*, attempt: int) -> timedelta:
    base = settings.WEBHOOK_RETRY_BASE_SECONDS * (2 ** max(attempt - 1, 0))
    return timedelta(seconds=min(base, RETRY_DELAY_CAP_SECONDS) * (1 + RETRY_JITTER))


def webhook_deliveries_requeue(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Queue again deliveries whose task was lost (broker down, worker gone). Returns the count.

    A pending row is lost when nothing tried it for `older_than`. A retrying row
    has a task waiting in the broker for up to the backoff cap, so it only counts as
    lost once that wait is over by `older_than`; queueing it earlier would start
    a second chain of attempts next to the first.
    """
    now = timezone.now()
    cutoff = now - older_than
    open_rows = WebhookDelivery.objects.filter(created_at__lt=cutoff).exclude(last_attempt_at__gte=cutoff)
    pending = open_rows.filter(status=WebhookDelivery.Status.PENDING)
    retrying = open_rows.filter(status=WebhookDelivery.Status.RETRYING)
    ids = list(pending.order_by("created_at").values_list("id", flat=True)[:1000])
    ids += [
        delivery_id
        for delivery_id, attempts, last_attempt_at in retrying.order_by("last_attempt_at").values_list(
            "id", "attempts", "last_attempt_at"
        )[:1000]
        if last_attempt_at + _longest_retry_delay(attempt=attempts) < cutoff
    ]
    _enqueue(ids)
    return len(ids)


def webhook_delivery_retry_now(*, delivery: WebhookDelivery) -> None:
    """Staff asked to try a failed delivery again: it gets a fresh set of attempts.

    Raises WebhookDeliveryNotRetryable for a delivery that has not failed: one
    that is pending or retrying already has a task, and a delivered one is done.
    """
    updated = WebhookDelivery.objects.filter(id=delivery.id, status=WebhookDelivery.Status.FAILED).update(
        status=WebhookDelivery.Status.PENDING, attempts=0
    )
    if not updated:
        raise WebhookDeliveryNotRetryable(delivery.id)
    delivery.status, delivery.attempts = WebhookDelivery.Status.PENDING, 0
    transaction.on_commit(lambda: _enqueue([delivery.id]))
