"""Celery tasks of the newsletters app: each takes ids, calls one service, and is safe to run twice."""

from celery import shared_task

from outreach.mailable import TransientDeliveryError

_MAIL_TASK = {"bind": True, "acks_late": True, "max_retries": 5, "retry_backoff": 30,
              "autoretry_for": (TransientDeliveryError,)}


@shared_task(bind=True, acks_late=True)
def subscription_request_task(self, payload: dict) -> int | None:
    """A sign-up as plain data, from before sign-ups were queued in a table: kept so that tasks still in
    the broker after an upgrade are recorded."""
    from newsletters.services.signup import subscription_request_from_payload

    subscription = subscription_request_from_payload(payload=payload)
    return subscription.pk if subscription else None


@shared_task(bind=True, acks_late=True)
def signups_queued_record_task(self) -> dict:
    """Record the sign-ups the forms queued (newsletters.services.signup_queue); also run by beat."""
    from newsletters.services.signup_queue import signups_queued_record

    return signups_queued_record()


@shared_task(**_MAIL_TASK)
def subscription_signup_mail_task(self, subscription_id: int, event_id: int) -> str:
    from newsletters.services.signup import subscription_signup_mail_send

    return subscription_signup_mail_send(subscription_id=subscription_id, event_id=event_id)


@shared_task(**_MAIL_TASK)
def subscription_welcome_mail_task(self, subscription_id: int, event_id: int) -> bool:
    from newsletters.services.signup import subscription_welcome_mail_send

    return subscription_welcome_mail_send(subscription_id=subscription_id, event_id=event_id)


@shared_task(**_MAIL_TASK)
def subscription_address_mail_task(self, subscription_id: int, event_id: int) -> bool:
    from newsletters.services.preferences import subscription_address_mail_send

    return subscription_address_mail_send(subscription_id=subscription_id, event_id=event_id)


@shared_task(**_MAIL_TASK)
def subscription_export_mail_task(self, subscription_id: int) -> bool:
    from newsletters.services.preferences import subscription_export_send

    return subscription_export_send(subscription_id=subscription_id)


@shared_task(**_MAIL_TASK)
def subscription_reconfirmation_mails_task(self, pairs: list) -> dict:
    """Re-confirmation requests, [(subscription id, proof entry id), ...]. A retry skips those already sent."""
    from newsletters.services.reconfirmation import subscription_reconfirmation_mail_send

    outcomes: dict[str, int] = {}
    for subscription_id, event_id in pairs:
        outcome = subscription_reconfirmation_mail_send(subscription_id=subscription_id, event_id=event_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@shared_task
def subscriptions_purge_unconfirmed_task() -> dict:
    from newsletters.services.signup import subscriptions_purge_unconfirmed

    return subscriptions_purge_unconfirmed()
