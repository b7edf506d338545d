from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_delivery_send_task(self, delivery_id: int) -> None:
    from cms.services.webhooks import WebhookDeliveryRetry, webhook_delivery_send

    try:
        webhook_delivery_send(delivery_id=delivery_id)
    except WebhookDeliveryRetry as exc:
        # The row counts attempts and decides when to give up and how long to wait;
        # the task only waits.
        raise self.retry(exc=exc, countdown=exc.countdown) from exc


@shared_task
def webhook_deliveries_requeue_task() -> int:
    from cms.services.webhooks import webhook_deliveries_requeue

    return webhook_deliveries_requeue()


@shared_task
def pages_publish_scheduled_task() -> None:
    """Wagtail's scheduled publishing and expiry (go_live_at / expire_at), run by beat every minute.

    Safe to run twice at once: publish_scheduled publishes each due revision,
    and a revision published once has no approved_go_live_at any more.
    """
    from django.core.management import call_command

    call_command("publish_scheduled", verbosity=0)
