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
