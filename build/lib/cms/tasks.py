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
