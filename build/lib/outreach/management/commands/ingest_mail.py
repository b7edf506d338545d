"""Read one mail from stdin and process it: the Postfix pipe transport's end.

master.cf:  dialogdesk unix - n n - - pipe flags=Rq user=dialogdesk argv=/srv/dialogdesk/.venv/bin/python
            /srv/dialogdesk/manage.py ingest_mail --source pipe --recipient ${recipient}
"""

import json
import logging
import sys

from django.core.management.base import BaseCommand

logger = logging.getLogger("outreach.inbound")

# sysexits.h EX_TEMPFAIL: Postfix keeps the mail queued and tries again, instead of bouncing it.
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Process one inbound mail (bounce, complaint, reply...) read from stdin. Exits 0 for mail it cannot use."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; print the classification as JSON.")
        parser.add_argument("--source", default="pipe", help="How the mail arrived, stored with it (default: pipe).")
        parser.add_argument("--recipient", default=None, help="The envelope recipient (Postfix: ${recipient}).")

    def handle(self, *args, dry_run=False, source="pipe", recipient=None, **options):
        from outreach.services.inbound import inbound_process

        stream = options.get("stdin") or sys.stdin
        raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if not raw.strip():
            logger.warning("ingest_mail: empty input, nothing to do")
            return
        try:
            result = inbound_process(raw, source=source, dry_run=dry_run, envelope_recipient=recipient)
        except Exception:
            # Database down, disk full: our problem, not the sender's. Ask the MTA to retry rather than
            # exit 1, which Postfix turns into a bounce back to whoever sent the mail.
            logger.exception("ingest_mail: processing failed; asking the MTA to retry")
            if dry_run:
                raise
            sys.exit(EX_TEMPFAIL)
        if dry_run:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        logger.info("ingest_mail: %s%s, message %s, effects: %s", result["kind"],
                    " (duplicate)" if result["duplicate"] else "", result["matched_message_id"],
                    ", ".join(result["effects"]) or "none")
