"""Sending a frozen mailing: fan out batches, claim rows, personalise, hand over, record each result.

Every message's state is on its row, never in a task's arguments:

    QUEUED --claim--> SENDING (claimed_by = task id) --backend accepted--> ACCEPTED
                         |--4xx / connection lost--> QUEUED (attempts + 1), the task retries later
                         |--5xx--> BOUNCED (recipient refused) or FAILED, never retried
                         '--paused / cancelled--> QUEUED / CANCELLED

Each send first takes a slot from the shared rate limit (outreach.delivery.ratelimit).
A running batch refreshes claimed_at on the rows it still holds at every status
check, so a claim that stays old belongs to a batch that is gone
(outreach.services.recovery gives such rows back).

A result is written right after the backend answers, outside any transaction,
so a worker killed mid-batch has sent at most the one message in flight
without recording it; the task's redelivery (same task id, acks_late)
re-claims its own SENDING rows and never sees the ACCEPTED ones again.
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from outreach.delivery import PermanentDeliveryError, TransientDeliveryError, delivery_backend
from outreach.delivery.ratelimit import rate_limiter
from outreach.inbound.reasons import SENDER_REPUTATION_REASONS, enhanced_code, verdict
from outreach.models import (
    ActivityEvent,
    Contact,
    Mailing,
    Message,
    SuppressionEntry,
    email_hash,
)
from outreach.mailable import recipient_fields_for
from outreach.services.personalising import locale_parts_for, personalise, variant_parts_for
from outreach.services.activity import activity_record_many
from outreach.services.contacts import contacts_art14_notice_record

MessageStatus = Message.Status


def batch_size_default() -> int:
    return int(getattr(settings, "MAIL_BATCH_SIZE", 200))


def _status_check_every() -> int:
    return max(1, int(getattr(settings, "MAIL_STATUS_CHECK_EVERY", 25)))


def _max_attempts() -> int:
    return int(getattr(settings, "MAIL_MAX_ATTEMPTS", 5))


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


def _record_mailed(*, mailing: Mailing, contact_ids: set[int]) -> None:
    """Timeline event and last_contacted_at for contacts just mailed. Safe to repeat: a contact already
    carrying this mailing's event is skipped, so a redelivered batch does not write a second one."""
    contact_ids.discard(None)
    if not contact_ids:
        return
    subject = mailing.activity_subject
    already = set(ActivityEvent.objects.filter(
        kind=ActivityEvent.Kind.MAILED, subject=subject, contact_id__in=contact_ids
    ).values_list("contact_id", flat=True))
    activity_record_many(contact_ids=sorted(contact_ids - already), kind=ActivityEvent.Kind.MAILED,
                         summary=mailing.title, subject=subject)
    Contact.objects.filter(id__in=contact_ids).update(last_contacted_at=timezone.now())
    if mailing.contents.filter(rendered_text__contains="art14_notice").exists():
        # Bodies rendered before the notice existed carry no {{ art14_notice }}; nothing to record for those.
        contacts_art14_notice_record(contact_ids=contact_ids, subject=subject, summary=mailing.title)
    contact_ids.clear()


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


def _deferred(message: Message, error: TransientDeliveryError, result: BatchResult) -> None:
    give_up = message.attempts + 1 >= _max_attempts()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED if give_up else MessageStatus.QUEUED, attempts=F("attempts") + 1,
        last_error=str(error)[:2000], claimed_by="", claimed_at=None,
    )
    if give_up:
        result.failed += 1
    else:
        result.deferred += 1
    result.errors.append(str(error))


def refusal_bounce_type(error: PermanentDeliveryError) -> tuple[str | None, str | None, str]:
    """("hard" | "soft" | None, enhanced status, reason) for a 5xx: None when the message, not the address,
    was refused. The decision is the DSN one (outreach.inbound.reasons.verdict), so a 550 5.1.1 at RCPT and
    a bounce report saying 5.1.1 affect the contact alike."""
    reply = str(error)
    status = enhanced_code(reply)
    found = verdict(status=status, code=str(error.code or "") or None, diagnostic=reply)
    if not error.is_bounce:
        return None, status, found.reason  # refused at MAIL FROM or DATA: our message or relay, not the person
    if found.reason in SENDER_REPUTATION_REASONS:
        # A policy or content refusal at RCPT (5.7.1 spam block) says nothing about the address;
        # one blocked campaign must not suppress good addresses.
        return None, status, found.reason
    return ("hard" if found.hard else "soft"), status, found.reason


def _refused(message: Message, error: PermanentDeliveryError, result: BatchResult) -> None:
    from outreach.services.inbound import message_bounced

    bounce_type, status, reason = refusal_bounce_type(error)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.BOUNCED if bounce_type else MessageStatus.FAILED, attempts=F("attempts") + 1,
        last_error=str(error)[:2000], claimed_by="", claimed_at=None,
    )
    if bounce_type:
        with transaction.atomic():
            message_bounced(message=message, hard=bounce_type == "hard", status=status, diagnostic=str(error),
                            occurred_at=timezone.now(), reason=reason,
                            event_data={"bounce_type": bounce_type, "status": status, "diagnostic": str(error)[:500],
                                        "code": error.code, "stage": "smtp"})
        result.bounced += 1
    else:
        result.failed += 1
    result.errors.append(str(error))


_ACCEPTED_SQL = None


def _record_accepted(pk: int, *, message_id: str, provider_id: str) -> None:
    """The hot path of a send: one UPDATE per accepted message, in plain SQL because the ORM
    compiled the same statement anew for every message (0.6 ms, more than encoding the message)."""
    global _ACCEPTED_SQL
    if _ACCEPTED_SQL is None:
        quote = connection.ops.quote_name
        columns = {f.name: quote(f.column) for f in Message._meta.concrete_fields}
        _ACCEPTED_SQL = (
            f"UPDATE {quote(Message._meta.db_table)} SET {columns['status']} = %s, {columns['sent_at']} = %s, "
            f"{columns['message_id']} = %s, {columns['provider_message_id']} = %s, "
            f"{columns['attempts']} = {columns['attempts']} + 1, {columns['last_error']} = '' "
            f"WHERE {columns['id']} = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(_ACCEPTED_SQL, [MessageStatus.ACCEPTED, connection.ops.adapt_datetimefield_value(timezone.now()),
                                       message_id, provider_id[:255], pk])


def mailing_finish_if_done(*, mailing_id: int) -> bool:
    """Mark a SENDING mailing SENT once no message is QUEUED or SENDING. Safe to call from any batch."""
    if Message.objects.filter(mailing_id=mailing_id, status__in=(MessageStatus.QUEUED, MessageStatus.SENDING)).exists():
        return False
    return bool(Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).update(
        status=Mailing.Status.SENT, finished_at=timezone.now()
    ))


@contextmanager
def _quick_commits():
    """PostgreSQL: commits of this connection return before the WAL reaches the disk.

    Each accepted message is committed on its own (a killed worker must leave a record
    of everything the server took), and waiting for fdatasync on each of them cost more
    than building and sending the message. The record is still safe from what this
    guards against: a dead worker or a lost connection. It is in the server's memory
    and WAL buffers at once; only a crash of PostgreSQL itself within
    wal_writer_delay (200 ms by default) could lose the last few, and their recipients
    would get a second copy after recovery. Nothing else is affected: the setting is
    this connection's and is reset when the batch ends.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            # The connection broke mid-batch: it is discarded with its settings, and the
            # batch's own error is the one to report.
            pass


def message_batch_send(*, mailing_id: int, worker_task_id: str, batch_size: int | None = None) -> BatchResult:
    """Send up to batch_size of the mailing's messages. Idempotent per message; see the module docstring.

    Raises TransientDeliveryError after the batch if any message was deferred
    (its task retries with backoff) or the backend could not be reached.
    """
    with _quick_commits():
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
        _record_mailed(mailing=mailing, contact_ids=mailed)
        mailing_finish_if_done(mailing_id=mailing_id)
        return result
    parts = locale_parts_for(mailing=mailing, locales={m.locale for m in messages})
    extras = recipient_fields_for(source=mailing.source, mailing_id=mailing_id,
                                  contact_ids=[m.contact_id for m in messages if m.contact_id])
    parts.update(variant_parts_for(mailing=mailing, keys={(m.locale, m.variant) for m in messages}))
    backend = delivery_backend(folder=str(mailing_id))
    limiter = rate_limiter()
    connection_error = None
    try:
        backend.open()
    except (TransientDeliveryError, PermanentDeliveryError):
        result.released += _release([m.id for m in messages], worker_task_id=worker_task_id)
        raise
    unsent = [m.id for m in messages]
    try:
        for index, message in enumerate(messages):
            if index and index % _status_check_every() == 0:
                _record_mailed(mailing=mailing, contact_ids=mailed)
                status = _current_status(mailing_id)
                if status != Mailing.Status.SENDING:
                    _stop(unsent, status=status, worker_task_id=worker_task_id, result=result)
                    break
                # Still alive: a slow (rate-limited) batch must not look lost to the recovery.
                Message.objects.filter(mailing_id=mailing_id, status=MessageStatus.SENDING,
                                       claimed_by=worker_task_id).update(claimed_at=timezone.now())
            key = (message.locale, message.variant) if message.variant else message.locale
            envelope = personalise(parts=parts[key], mailing=mailing, contact=message.contact,
                                   email=message.email, locale=message.locale, token=message.token,
                                   message_pk=message.pk, extra=extras.get(message.contact_id))
            limiter.acquire()
            try:
                provider_id = backend.send(envelope.envelope_from, envelope.recipient, envelope.message_bytes)
            except TransientDeliveryError as exc:
                unsent.remove(message.id)
                _deferred(message, exc, result)
                if exc.connection_lost:
                    connection_error = exc
                    result.released += _release(unsent, worker_task_id=worker_task_id)
                    break
                continue
            except PermanentDeliveryError as exc:
                unsent.remove(message.id)
                _refused(message, exc, result)
                continue
            unsent.remove(message.id)
            _record_accepted(message.pk, message_id=envelope.message_id, provider_id=provider_id)
            result.accepted += 1
            mailed.add(message.contact_id)
    except BaseException:
        # A soft time limit or a crash in our own code: hand back what was not
        # tried, so the retry (or another batch) takes it over.
        result.released += _release(unsent, worker_task_id=worker_task_id)
        raise
    finally:
        backend.close()
        _record_mailed(mailing=mailing, contact_ids=mailed)
    mailing_finish_if_done(mailing_id=mailing_id)
    if connection_error is not None:
        raise connection_error
    if result.deferred:
        raise TransientDeliveryError(f"{result.deferred} message(s) deferred: {result.errors[-1]}")
    return result
