"""The IMAP poller: the second way mail comes back, next to the Postfix pipe (manage.py ingest_mail).

Beat runs it every minute (outreach.tasks.inbound_imap_poll_task); cron users run
manage.py poll_imap. Each mail goes through outreach.services.inbound.inbound_process, like
piped mail, and leaves the folder only after that returned.
"""

import logging
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache

from outreach.inbound.imap import ImapConfig, Mailbox, mailbox_open
from outreach.services.inbound import inbound_process

logger = logging.getLogger(__name__)

LOCK_KEY = "outreach:inbound-imap-poll"
# Longer than a run may take (the Celery hard time limit is 6 minutes), so that a live run keeps its
# lock; short enough that a poller killed with its lock held stops polling for ten minutes at most.
LOCK_SECONDS = 600


def imap_poll(*, limit: int | None = None) -> dict:
    """Process up to limit mails (default MAIL_IMAP_BATCH) waiting in MAIL_IMAP_FOLDER.

    Each mail is fetched without marking it read, handed to inbound_process (source "imap"), and only
    once that has returned, and so committed, moved to MAIL_IMAP_PROCESSED_FOLDER (deleted when that
    is empty). A mail whose processing raises stays where it was, unread, is logged and counted as
    failed, and is tried again next run; the others go on. Call it outside a transaction: "committed"
    must mean committed before the mail leaves the folder.

    Safe to run twice at once: the second run finds the lock (the Django cache) taken and returns
    skipped="locked". Safe after a crash: see _poll. Off (skipped="off") when MAIL_IMAP_HOST is empty.
    Raises ImproperlyConfigured for a bad MAIL_IMAP_SECURITY, and imaplib/socket errors when the
    server cannot be reached or refuses the login or a move (nothing is lost: the mail stays).
    """
    config = ImapConfig.from_settings()
    summary = {"fetched": 0, "processed": 0, "failed": 0, "duplicates": 0, "kinds": {}, "skipped": None}
    if not config.host:
        summary["skipped"] = "off"
        return summary
    owner = uuid.uuid4().hex
    # cache.add is atomic on Redis and memcached. The file cache checks and then writes, so two runs
    # starting within the same millisecond could both get it; beat starts them a minute apart, and
    # inbound_process's Message-ID dedupe makes even that harmless.
    if not cache.add(LOCK_KEY, owner, LOCK_SECONDS):
        logger.info("IMAP poll skipped: another run holds the lock")
        summary["skipped"] = "locked"
        return summary
    try:
        with mailbox_open(config) as mailbox:
            _poll(mailbox, config=config, limit=limit or config.batch, summary=summary)
    finally:
        if cache.get(LOCK_KEY) == owner:  # not a lock that expired and was taken by the next run
            cache.delete(LOCK_KEY)
    if summary["fetched"]:
        logger.info("IMAP poll of %s: %s", config.folder, summary)
    return summary


def _poll(mailbox: Mailbox, *, config: ImapConfig, limit: int, summary: dict) -> None:
    processed_folder = mailbox.folder_ensure(config.processed_folder) if config.processed_folder else None
    for uid in mailbox.waiting_uids(limit=limit):
        raw = mailbox.fetch(uid)
        if raw is None:
            continue  # expunged by another client since the search
        summary["fetched"] += 1
        try:
            result = inbound_process(raw, source="imap")
        except SoftTimeLimitExceeded:
            raise  # the run is out of time, not this mail at fault; the rest waits for the next run
        except Exception:
            # Database down, a mail the parser chokes on: the mail stays, unread, for the next run
            # (or for a person to look at), and the rest of the batch still goes through.
            summary["failed"] += 1
            logger.exception("IMAP poll: processing mail UID %s in %s failed; it stays there", uid, config.folder)
            continue
        # Committed. Should we die before the mail is moved, the next run fetches it again and
        # inbound_process knows it by its Message-ID (duplicate=True): it acts once, then it is moved.
        # A move the server refuses raises: with a broken processed folder every mail would fail alike.
        if processed_folder is not None:
            mailbox.move(uid, processed_folder)
        else:
            mailbox.delete(uid)
        summary["processed"] += 1
        summary["duplicates"] += int(result["duplicate"])
        summary["kinds"][result["kind"]] = summary["kinds"].get(result["kind"], 0) + 1
