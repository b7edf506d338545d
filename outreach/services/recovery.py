"""Picking up sending work whose batch task is gone (a lost broker message, a worker killed for good).

acks_late redelivers a batch task whose worker died, and the redelivery
re-claims its own rows. That fails when the broker lost the task, or it
exhausted its retries while holding rows; and a mailing whose batches were
all lost keeps QUEUED messages that nothing will ever claim.

Two rules, both judged from the rows alone:

* A SENDING row whose claimed_at is older than MAIL_CLAIM_TIMEOUT_SECONDS
  (default 900) belongs to a dead batch: a live one refreshes claimed_at at
  every status check (outreach.services.sending). It goes back to QUEUED
  (CANCELLED if its mailing was cancelled meanwhile) and its mailing is
  dispatched again. The timeout must exceed the longest a live batch can go
  between two status checks (at most a minute, or MAIL_STATUS_CHECK_EVERY sends
  when they come faster, plus SMTP timeouts), or a slow batch would have its rows
  sent twice.
* A SENDING mailing with QUEUED messages and no activity within the timeout
  (nothing claimed, sent or dispatched) is dispatched again.

A dispatch stamps claimed_at on the QUEUED rows it covers, as "last handed to a
batch": the next run then waits a full timeout before dispatching the same
mailing again, so a recovery that runs every few minutes while the workers are
down does not pile tasks onto the broker. (A claim overwrites the stamp, a
release clears it.) ACCEPTED, BOUNCED and FAILED rows are never touched.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from outreach.models import Mailing, Message
from outreach.services.sending import mailing_dispatch

logger = logging.getLogger(__name__)


def claim_timeout() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "MAIL_CLAIM_TIMEOUT_SECONDS", 900)))


def _requeue_lost_claims(cutoff) -> set[int]:
    """Give back SENDING rows claimed before cutoff; the ids of their mailings."""
    lost = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=cutoff)
    mailing_ids = set(lost.values_list("mailing_id", flat=True).distinct())
    if not mailing_ids:
        return set()
    cancelled = Message.objects.filter(pk__in=lost.values("pk"), mailing__status=Mailing.Status.CANCELLED)
    cancelled.update(status=Message.Status.CANCELLED, claimed_by="", claimed_at=None)
    # Conditional on the old claim: a row a live batch refreshed or finished meanwhile stays as it is.
    requeued = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=cutoff).update(
        status=Message.Status.QUEUED, claimed_by="", claimed_at=None)
    logger.warning("Gave back %d message(s) of mailing(s) %s whose batch task is gone", requeued, sorted(mailing_ids))
    return mailing_ids


def _stalled_mailings(cutoff) -> set[int]:
    """SENDING mailings with QUEUED messages and nothing claimed, sent or dispatched since cutoff."""
    waiting = set(Message.objects.filter(
        status=Message.Status.QUEUED, mailing__status=Mailing.Status.SENDING, mailing__started_at__lt=cutoff,
    ).values_list("mailing_id", flat=True).distinct())
    active = Message.objects.filter(mailing_id__in=waiting).filter(Q(claimed_at__gte=cutoff) | Q(sent_at__gte=cutoff))
    return waiting - set(active.values_list("mailing_id", flat=True).distinct())


def mailings_recover_stalled(*, now=None) -> int:
    """Give back lost claims and dispatch stalled mailings again. Returns how many mailings were dispatched.

    Safe to run any time and as often as wanted (see the module docstring); a dispatch that finds a batch
    still running only adds a task that claims nothing or shares the remaining rows.
    """
    now = now or timezone.now()
    cutoff = now - claim_timeout()
    mailing_ids = _requeue_lost_claims(cutoff) | _stalled_mailings(cutoff)
    dispatched = 0
    for mailing_id in sorted(mailing_ids):
        if mailing_dispatch(mailing_id=mailing_id):
            Message.objects.filter(mailing_id=mailing_id, status=Message.Status.QUEUED).update(claimed_at=now)
            dispatched += 1
    if dispatched:
        logger.warning("Dispatched %d stalled mailing(s) again", dispatched)
    return dispatched
