"""Writing what became of each message of a batch: accepted, deferred, refused; the contacts' timeline.

The batch's own thread calls these (it holds the database connection); the
lanes that talk to the carrier never touch the database (outreach.delivery.lanes).
"""

import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from outreach.delivery import PermanentDeliveryError, TransientDeliveryError
from outreach.inbound.reasons import SENDER_REPUTATION_REASONS, enhanced_code, verdict
from outreach.models import ActivityEvent, Contact, Mailing, Message
from outreach.services.activity import activity_record_many
from outreach.services.contacts import contacts_art14_notice_record

MessageStatus = Message.Status

logger = logging.getLogger(__name__)


def _max_attempts() -> int:
    return int(getattr(settings, "MAIL_MAX_ATTEMPTS", 5))


def mailing_carries_art14_notice(mailing: Mailing) -> bool:
    """Whether the mailing's bodies have the {{ art14_notice }} field: bodies rendered before the notice
    existed carry none, and there is nothing to record for those."""
    return mailing.contents.filter(rendered_text__contains="art14_notice").exists()


def record_mailed(*, mailing: Mailing, contact_ids: set[int], carries_notice: bool | None = None) -> None:
    """Timeline event and last_contacted_at for contacts just mailed. Safe to repeat: a contact already
    carrying this mailing's event is skipped, so a redelivered batch does not write a second one.
    carries_notice: mailing_carries_art14_notice(mailing), when the caller knows it already."""
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
    if carries_notice is None:
        carries_notice = mailing_carries_art14_notice(mailing)
    if carries_notice:
        contacts_art14_notice_record(contact_ids=contact_ids, subject=subject, summary=mailing.title)
    contact_ids.clear()


def record_deferred(message: Message, error: TransientDeliveryError) -> bool:
    """Back to QUEUED for a later try, or FAILED after MAIL_MAX_ATTEMPTS. True when it failed for good."""
    give_up = message.attempts + 1 >= _max_attempts()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED if give_up else MessageStatus.QUEUED, attempts=F("attempts") + 1,
        last_error=str(error)[:2000], claimed_by="", claimed_at=None,
    )
    return give_up


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


def record_refused(message: Message, error: PermanentDeliveryError) -> bool:
    """BOUNCED (the address was refused) or FAILED (the message was). True when it bounced."""
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
    return bool(bounce_type)


_ACCEPTED_SQL = None


def _accepted_sql() -> str:
    # Plain SQL because the ORM compiled the same statement anew for every message (0.6 ms, more than
    # encoding the message).
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
    return _ACCEPTED_SQL


def record_accepted(accepted: list[tuple[int, str, str]], *, mailing_id: int) -> str:
    """Write (pk, Message-ID, carrier's id) of messages the carrier took, committed before this returns,
    and return the mailing's status as of the same moment.

    The carrier has these messages already: if the database is gone (a restart, a failover),
    forgetting them would send them again on the retry. So the write is tried again over a
    new connection for up to MAIL_DB_PATIENCE_SECONDS (default 60); every connection of the
    batch waits meanwhile, and sends nothing.

    On PostgreSQL both go in one pipeline (psycopg 3): the messages that came back
    while the last ones were written, and the status read, cost one round trip
    together. Reading the status here, before the lanes are told to go on, is what
    lets a pause or cancel stop every connection after the message it is sending.
    """
    now = timezone.now()
    patience = float(getattr(settings, "MAIL_DB_PATIENCE_SECONDS", 60))
    deadline, delay = time.monotonic() + patience, 0.2
    while True:
        try:
            return _write_accepted(accepted, mailing_id=mailing_id, now=now)
        except (OperationalError, InterfaceError, connection.Database.OperationalError,
                connection.Database.InterfaceError) as exc:
            # The driver's own errors too: psycopg's pipeline raises them past Django's wrapper when it ends.
            # Inside a transaction a new connection cannot carry on what the old one began.
            if connection.in_atomic_block or time.monotonic() + delay > deadline:
                raise
            logger.warning("database unreachable while recording %s accepted message(s), trying again: %s",
                           len(accepted), exc)
            connection.close()
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def _write_accepted(accepted: list[tuple[int, str, str]], *, mailing_id: int, now) -> str:
    now = connection.ops.adapt_datetimefield_value(now)
    rows = [[MessageStatus.ACCEPTED, now, message_id, provider_id[:255], pk] for pk, message_id, provider_id in accepted]
    connection.ensure_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.get_autocommit():
            with connection.connection.pipeline():
                if rows:
                    cursor.executemany(_accepted_sql(), rows)
                cursor.execute(_status_sql(), [mailing_id])
                found = cursor.fetchone()
        else:
            if rows:
                cursor.executemany(_accepted_sql(), rows)
            cursor.execute(_status_sql(), [mailing_id])
            found = cursor.fetchone()
    return found[0] if found else ""


def _status_sql() -> str:
    quote = connection.ops.quote_name
    return (f"SELECT {quote(Mailing._meta.get_field('status').column)} FROM {quote(Mailing._meta.db_table)} "
            f"WHERE {quote(Mailing._meta.pk.column)} = %s")


@contextmanager
def quick_commits():
    """PostgreSQL: commits of this connection return before the WAL reaches the disk.

    Each accepted message is committed before its connection sends again (a killed
    worker must leave a record of everything the server took), and waiting for
    fdatasync on each of them cost more than building and sending the message. The
    record is still safe from what this guards against: a dead worker or a lost
    connection. It is in the server's memory and WAL buffers at once; only a crash of
    PostgreSQL itself within wal_writer_delay (200 ms by default) could lose the last
    few, and their recipients would get a second copy after recovery. Nothing else is
    affected: the setting is this connection's and is reset when the batch ends.
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
