"""Sending a frozen mailing: fan out batches, claim rows, personalise, hand over, record each result.

Every message's state is on its row, never in a task's arguments:

    QUEUED --claim--> SENDING (claimed_by = task id) --backend accepted--> ACCEPTED
                         |--4xx / connection lost--> QUEUED (attempts + 1), the task retries later
                         |--5xx--> BOUNCED (recipient refused) or FAILED, never retried
                         '--paused / cancelled--> QUEUED / CANCELLED

A batch talks to the carrier over several connections at once (MAIL_SMTP_CONNECTIONS
or MAIL_SES_CONNECTIONS, default 8: outreach.delivery.lanes), because a relay takes
20 to 100 ms to accept each message. This thread, the only one that uses the
database, personalises messages into the lanes' queue and records what they report.
Each send first takes a slot from the shared rate limit (outreach.delivery.ratelimit),
one Redis script call per message whichever lane or worker sends it, so the limit
is exact across all connections of all workers.

What a kill costs. A lane sends its next message only after the batch's thread
has committed the result of its previous one. The results that came back
together are written with one executemany (pipelined by psycopg 3), so the
bookkeeping costs one round trip per handful of messages, not one per message,
and still each result is on record before its connection sends again. A worker
killed mid-batch has therefore sent at most one unrecorded message per open
connection (MAIL_SMTP_CONNECTIONS per pool process); the task's redelivery
(same task id, acks_late) re-claims its own SENDING rows, re-sends those few,
and never sees the ACCEPTED ones again. A PostgreSQL crash (not a worker kill)
can also forget the commits of its last wal_writer_delay: see
outreach.services.sending_results.quick_commits.

A running batch refreshes claimed_at on the rows it still holds at every status
check (every MAIL_STATUS_CHECK_EVERY results, and at least once a minute), so a
claim that stays old belongs to a batch that is gone (outreach.services.recovery
gives such rows back). The same check sees a pause or cancel: every lane ends
after the message it is sending, and what was queued for them goes back (paused)
or is cancelled.
"""

import math
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from outreach.delivery import (
    PermanentDeliveryError,
    TransientDeliveryError,
    delivery_backend_factory,
    delivery_connections,
)
from outreach.delivery.lanes import Lanes, Outcome
from outreach.delivery.ratelimit import rate_limiter
from outreach.mailable import recipient_fields_for
from outreach.models import Mailing, Message, SuppressionEntry, email_hash
from outreach.services.personalising import locale_parts_for, personalise, variant_parts_for
from outreach.services.sending_results import (
    mailing_carries_art14_notice,
    quick_commits,
    record_accepted,
    record_deferred,
    record_mailed,
    record_refused,
)

__all__ = ["BatchResult", "mailing_dispatch", "mailing_finish_if_done", "message_batch_send"]

MessageStatus = Message.Status


# Without MAIL_BATCH_SIZE a batch claims this many messages per connection it opens (and never fewer than
# _BATCH_SIZE_AT_LEAST): each connection is opened anew per batch (connect, EHLO, STARTTLS, AUTH; at a
# remote relay several round trips and a TLS handshake), so it should carry more than a handful of
# messages. With 25 per connection those setups cost the sink in benchmarks.send more than the
# replay's whole difference; with 50 the 0 ms and 50 ms targets are met (benchmarks/README.md).
BATCH_MESSAGES_PER_CONNECTION = 50
_BATCH_SIZE_AT_LEAST = 200


def batch_size_default() -> int:
    """MAIL_BATCH_SIZE when set, else 50 messages per connection of a batch (400 at the default 8)."""
    configured = int(getattr(settings, "MAIL_BATCH_SIZE", 0) or 0)
    if configured > 0:
        return configured
    return max(_BATCH_SIZE_AT_LEAST, BATCH_MESSAGES_PER_CONNECTION * delivery_connections())


# At a low rate limit MAIL_STATUS_CHECK_EVERY results can take longer than MAIL_CLAIM_TIMEOUT_SECONDS; the
# claim is refreshed at least this often, so a slow live batch is never taken for a dead one.
_CHECK_AT_LEAST_EVERY_SECONDS = 60


def _status_check_every() -> int:
    return max(1, int(getattr(settings, "MAIL_STATUS_CHECK_EVERY", 100)))


@dataclass
class BatchResult:
    claimed: int = 0
    accepted: int = 0
    bounced: int = 0
    failed: int = 0
    deferred: int = 0
    released: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)
    deferral: str = ""  # why the last deferred message was deferred: what the task's retry reports
    connections: int = 0

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def mailing_dispatch(*, mailing_id: int, batch_size: int | None = None) -> int:
    """Queue enough batch tasks for what is QUEUED. Returns how many. Calling it twice only adds idle tasks:
    a batch that finds nothing to claim ends at once."""
    from outreach.tasks import message_batch_send_task

    size = batch_size or batch_size_default()
    if not Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).exists():
        return 0
    queued = Message.objects.filter(mailing_id=mailing_id, status=MessageStatus.QUEUED).count()
    batches = math.ceil(queued / size)
    for _ in range(batches):
        transaction.on_commit(lambda: message_batch_send_task.delay(mailing_id, size))
    if not batches:
        mailing_finish_if_done(mailing_id=mailing_id)
    return batches


def _claim(*, mailing_id: int, worker_task_id: str, limit: int) -> list[Message]:
    """This task's SENDING rows (left by an earlier run of the same task), topped up from QUEUED to limit."""
    mine = Message.objects.filter(mailing_id=mailing_id, status=MessageStatus.SENDING, claimed_by=worker_task_id)
    wanted = limit - mine.count()
    if wanted > 0:
        queued = Message.objects.filter(mailing_id=mailing_id, status=MessageStatus.QUEUED).order_by("id")
        claim = {"status": MessageStatus.SENDING, "claimed_by": worker_task_id, "claimed_at": timezone.now()}
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: concurrent batches skip each other's rows instead of queueing behind them.
            with transaction.atomic():
                ids = list(queued.select_for_update(skip_locked=True).values_list("id", flat=True)[:wanted])
                Message.objects.filter(id__in=ids, status=MessageStatus.QUEUED).update(**claim)
        else:
            # SQLite: one UPDATE statement takes the write lock before it reads, so the
            # subquery and the update see the same rows and two claims never overlap.
            Message.objects.filter(id__in=queued.values("id")[:wanted], status=MessageStatus.QUEUED).update(**claim)
    return list(mine.select_related("contact").order_by("id"))


def _release(ids, *, worker_task_id: str, status=MessageStatus.QUEUED) -> int:
    return Message.objects.filter(id__in=ids, status=MessageStatus.SENDING, claimed_by=worker_task_id).update(
        status=status, claimed_by="", claimed_at=None
    )


def _drop_suppressed(messages: list[Message], *, mailing: Mailing, worker_task_id: str,
                     result: BatchResult) -> list[Message]:
    """Someone may have unsubscribed or been erased since the freeze, or left the mailing's unsubscribe scope
    (one newsletter); their messages are cancelled, not sent. One query per batch for each check."""
    from outreach.mailable import unsubscribe_scope_members

    hashes = {email_hash(m.email): m for m in messages}
    suppressed = set(SuppressionEntry.objects.filter(email_hash__in=hashes).values_list("email_hash", flat=True))
    gone = {m.id for h, m in hashes.items() if h in suppressed} | {m.id for m in messages if m.contact_id is None}
    if mailing.unsubscribe_scope:
        members = unsubscribe_scope_members(mailing.unsubscribe_scope,
                                            contact_ids=[m.contact_id for m in messages if m.contact_id])
        if members is not None:
            gone |= {m.id for m in messages if m.contact_id not in members}
    if gone:
        result.cancelled += _release(gone, worker_task_id=worker_task_id, status=MessageStatus.CANCELLED)
    return [m for m in messages if m.id not in gone]


def _current_status(mailing_id: int) -> str:
    return Mailing.objects.filter(pk=mailing_id).values_list("status", flat=True).first()


def _stop(ids, *, status: str, worker_task_id: str, result: BatchResult) -> None:
    if status == Mailing.Status.CANCELLED:
        result.cancelled += _release(ids, worker_task_id=worker_task_id, status=MessageStatus.CANCELLED)
    else:
        result.released += _release(ids, worker_task_id=worker_task_id)


def mailing_finish_if_done(*, mailing_id: int) -> bool:
    """Mark a SENDING mailing SENT once no message is QUEUED or SENDING. Safe to call from any batch."""
    if Message.objects.filter(mailing_id=mailing_id, status__in=(MessageStatus.QUEUED, MessageStatus.SENDING)).exists():
        return False
    return bool(Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).update(
        status=Mailing.Status.SENT, finished_at=timezone.now()
    ))


def message_batch_send(*, mailing_id: int, worker_task_id: str, batch_size: int | None = None) -> BatchResult:
    """Send up to batch_size of the mailing's messages. Idempotent per message; see the module docstring.

    Raises TransientDeliveryError after the batch if any message was deferred
    (its task retries with backoff) or the backend could not be reached.
    """
    with quick_commits():
        return _message_batch_send(mailing_id=mailing_id, worker_task_id=worker_task_id, batch_size=batch_size)


def _message_batch_send(*, mailing_id: int, worker_task_id: str, batch_size: int | None) -> BatchResult:
    result = BatchResult()
    mailing = Mailing.objects.select_related("sender").get(pk=mailing_id)
    mine = Message.objects.filter(mailing_id=mailing_id, status=MessageStatus.SENDING, claimed_by=worker_task_id)
    if mailing.status != Mailing.Status.SENDING:
        _stop(list(mine.values_list("id", flat=True)), status=mailing.status, worker_task_id=worker_task_id, result=result)
        return result
    # An earlier run of this task may have been killed between accepting messages and recording them on the timeline.
    mailed = set(Message.objects.filter(mailing_id=mailing_id, status=MessageStatus.ACCEPTED,
                                        claimed_by=worker_task_id).values_list("contact_id", flat=True))
    messages = _claim(mailing_id=mailing_id, worker_task_id=worker_task_id, limit=batch_size or batch_size_default())
    result.claimed = len(messages)
    messages = _drop_suppressed(messages, mailing=mailing, worker_task_id=worker_task_id, result=result)
    if not messages:
        record_mailed(mailing=mailing, contact_ids=mailed)
        mailing_finish_if_done(mailing_id=mailing_id)
        return result
    count = min(delivery_connections(), len(messages))
    lanes = Lanes(new_backend=delivery_backend_factory(folder=str(mailing_id), count=count), count=count,
                  limiter=rate_limiter())
    try:
        first = lanes.open_first()
    except (TransientDeliveryError, PermanentDeliveryError):
        result.released += _release([m.id for m in messages], worker_task_id=worker_task_id)
        raise
    eight_bit = bool(getattr(first, "offers_8bit", False))
    parts = locale_parts_for(mailing=mailing, locales={m.locale for m in messages}, eight_bit=eight_bit)
    parts.update(variant_parts_for(mailing=mailing, keys={(m.locale, m.variant) for m in messages},
                                   eight_bit=eight_bit))
    extras = recipient_fields_for(source=mailing.source, mailing_id=mailing_id,
                                  contact_ids=[m.contact_id for m in messages if m.contact_id])
    result.connections = count
    batch = _Batch(mailing=mailing, worker_task_id=worker_task_id, result=result, mailed=mailed, lanes=lanes,
                   carries_notice=mailing_carries_art14_notice(mailing))
    lanes.start()
    try:
        batch.run(messages, parts=parts, extras=extras)
    finally:
        # Lanes still sending (an error or time limit in this thread) finish their message; those are recorded
        # too, so a retry does not send them again. Whatever was not handed over goes back.
        batch.record(lanes.close(timeout=float(getattr(settings, "MAIL_SMTP_TIMEOUT", 30)) + 5))
        result.released += _release(batch.unsent, worker_task_id=worker_task_id)
        record_mailed(mailing=mailing, contact_ids=mailed, carries_notice=batch.carries_notice)
    mailing_finish_if_done(mailing_id=mailing_id)
    if batch.connection_error is not None:
        raise batch.connection_error
    if result.deferred:
        raise TransientDeliveryError(f"{result.deferred} message(s) deferred: {result.deferral}")
    return result


class _Batch:
    """The batch's thread: personalise into the lanes' queue, record their outcomes, check the mailing's status."""

    def __init__(self, *, mailing: Mailing, worker_task_id: str, result: BatchResult, mailed: set, lanes: Lanes,
                 carries_notice: bool):
        self.mailing, self.worker_task_id, self.result, self.mailed, self.lanes = (
            mailing, worker_task_id, result, mailed, lanes)
        self.carries_notice = carries_notice
        self.unsent: set[int] = set()  # claimed rows not yet given an outcome
        self.pending: list[Message] = []  # not yet handed to the lanes, next one last
        self.connection_error: TransientDeliveryError | None = None
        self.since_check = 0
        self.checked_at = time.monotonic()

    def run(self, messages: list[Message], *, parts: dict, extras: dict) -> None:
        lanes, mailing = self.lanes, self.mailing
        self.unsent = {m.id for m in messages}
        self.pending = pending = list(reversed(messages))
        outstanding = 0
        while pending or outstanding:
            # Outcomes first: a lane waits for its acknowledgement before it sends again.
            feeding = bool(pending) and lanes.alive > 0 and not lanes.stopping.is_set()
            outcomes = lanes.results(wait=not (feeding and lanes.room()))
            if outcomes:
                status = self.record(outcomes)
                outstanding -= len(outcomes)
                # Stopping (pause, cancel) is decided before the lanes are let go: none sends again then.
                still_sending = self._still_sending(status)
                lanes.acknowledge(outcomes)
                if not still_sending:
                    return
            elif feeding and lanes.room():
                message = pending.pop()
                key = (message.locale, message.variant) if message.variant else message.locale
                envelope = personalise(parts=parts[key], mailing=mailing, contact=message.contact,
                                       email=message.email, locale=message.locale, token=message.token,
                                       message_pk=message.pk, extra=extras.get(message.contact_id))
                lanes.submit(message, envelope)
                outstanding += 1
            if lanes.alive == 0 and not outcomes:
                # Every connection is gone (or the rate-limit store): the rest goes back (unsent) and the
                # task retries later.
                lanes.queued()
                self.connection_error = lanes.fatal or TransientDeliveryError(
                    f"no connection left: {lanes.last_connection_error or 'lanes ended'}", connection_lost=True)
                return

    def record(self, outcomes: list[Outcome]) -> str:
        """Write the outcomes (the accepted ones in one go), count them into the result; the mailing's status."""
        accepted = []
        for outcome in outcomes:
            message, error = outcome.item, outcome.error
            self.unsent.discard(message.id)
            if not outcome.sent:
                self.unsent.add(message.id)  # the rate-limit store failed before the send: nothing happened
            elif error is None:
                accepted.append((message.pk, outcome.envelope.message_id, outcome.provider_id))
                self.mailed.add(message.contact_id)
            elif isinstance(error, TransientDeliveryError):
                if record_deferred(message, error):
                    self.result.failed += 1
                else:
                    self.result.deferred += 1
                    self.result.deferral = str(error)
                self.result.errors.append(str(error))
            else:
                if record_refused(message, error):
                    self.result.bounced += 1
                else:
                    self.result.failed += 1
                self.result.errors.append(str(error))
        status = record_accepted(accepted, mailing_id=self.mailing.pk)
        self.result.accepted += len(accepted)
        self.since_check += len(outcomes)
        return status

    def _still_sending(self, status: str) -> bool:
        """Stop at once when the mailing was paused or cancelled (status: read with the last results);
        every MAIL_STATUS_CHECK_EVERY outcomes also the timeline and a fresh claim."""
        if status != Mailing.Status.SENDING:
            # Queued for a lane or not yet personalised; what a lane is sending now is recorded when it ends.
            waiting = [m.id for m in self.lanes.stop()] + [m.id for m in self.pending]
            _stop(waiting, status=status, worker_task_id=self.worker_task_id, result=self.result)
            self.unsent -= set(waiting)
            return False
        recently = time.monotonic() - self.checked_at < _CHECK_AT_LEAST_EVERY_SECONDS
        if self.since_check < _status_check_every() and recently:
            return True
        self.since_check, self.checked_at = 0, time.monotonic()
        record_mailed(mailing=self.mailing, contact_ids=self.mailed, carries_notice=self.carries_notice)
        # Still alive: a slow (rate-limited) batch must not look lost to the recovery.
        Message.objects.filter(mailing_id=self.mailing.pk, status=MessageStatus.SENDING,
                               claimed_by=self.worker_task_id).update(claimed_at=timezone.now())
        return True
