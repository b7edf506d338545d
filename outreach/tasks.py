"""Celery tasks of outreach: thin wrappers that take ids and call one service each."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, InterfaceError, OperationalError


def _contact_import_failed(self, exc, task_id, args, kwargs, einfo):
    from outreach.services.imports import contact_import_fail

    contact_import_fail(import_id=args[0] if args else kwargs["import_id"], error=f"{type(exc).__name__}: {exc}")


# acks_late: a worker that dies mid-import leaves the message on the broker and another worker resumes
# after the last committed batch (the import row records it). A lost connection, a conflicting insert
# from a concurrent edit or the soft time limit only end the current batch's transaction, so retrying
# is always safe and continues where the committed batches end.
@shared_task(
    bind=True, acks_late=True, max_retries=5, retry_backoff=True, retry_backoff_max=120,
    autoretry_for=(OperationalError, InterfaceError, IntegrityError, SoftTimeLimitExceeded),
    on_failure=_contact_import_failed,
)
def contact_import_run_task(self, import_id: int) -> dict:
    from outreach.services.imports import contact_import_progress, contact_import_run

    return contact_import_progress(contact_import=contact_import_run(import_id=import_id))


# --- Mailings -----------------------------------------------------------------
# The state of every message is on its row, so any of these may run twice: a
# second dispatch adds batches that find nothing to claim, and a redelivered
# batch (acks_late, same task id) re-claims only its own unfinished rows.

from outreach.delivery.base import TransientDeliveryError  # noqa: E402  (no models: safe at import time)


@shared_task
def mailing_dispatch_task(mailing_id: int) -> int:
    from outreach.services.sending import mailing_dispatch

    return mailing_dispatch(mailing_id=mailing_id)


def _retry_countdown(retries: int) -> float:
    # Greylisting servers answer 451 for minutes, not seconds: the base (MAIL_RETRY_BASE_SECONDS,
    # default 60) doubles per retry up to an hour, read at run time so tests can set it to 0.
    from django.conf import settings

    return min(float(getattr(settings, "MAIL_RETRY_BASE_SECONDS", 60)) * 2 ** retries, 3600.0)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, retry_backoff=True, retry_jitter=False,
    autoretry_for=(TransientDeliveryError, SoftTimeLimitExceeded),
)
def message_batch_send_task(self, mailing_id: int, batch_size: int | None = None) -> dict:
    from outreach.services.sending import message_batch_send

    try:
        return message_batch_send(mailing_id=mailing_id, worker_task_id=self.request.id, batch_size=batch_size).as_dict()
    except TransientDeliveryError as exc:
        raise self.retry(exc=exc, countdown=_retry_countdown(self.request.retries))


@shared_task
def mailings_start_due_task() -> int:
    from outreach.services.mailings import mailings_start_due

    return mailings_start_due()


@shared_task
def mailings_recover_stalled_task() -> int:
    # Beat, every few minutes: gives back rows of batch tasks that are gone and dispatches stalled mailings.
    from outreach.services.recovery import mailings_recover_stalled

    return mailings_recover_stalled()


# --- Inbound mail -------------------------------------------------------------


@shared_task
def inbound_imap_poll_task(limit: int | None = None) -> dict:
    # Beat, every minute. Returns at once when MAIL_IMAP_HOST is empty or another run holds the lock.
    from outreach.services.inbound_imap import imap_poll

    return imap_poll(limit=limit)


@shared_task(
    bind=True, acks_late=True, max_retries=8, retry_backoff=True, retry_backoff_max=3600,
    autoretry_for=(TransientDeliveryError, OperationalError, InterfaceError, SoftTimeLimitExceeded),
)
def inbound_reply_forward_task(self, inbound_message_id: int) -> str:
    # The row says whether it was forwarded already, so a redelivered or retried task sends nothing twice.
    from outreach.services.reply_forwarding import inbound_reply_forward

    return inbound_reply_forward(inbound_message_id=inbound_message_id)
