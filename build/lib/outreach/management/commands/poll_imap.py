"""Poll the IMAP mailbox once and print the summary as JSON: for cron, where no Celery beat runs.

crontab:  * * * * *  /srv/dialogdesk/.venv/bin/python /srv/dialogdesk/manage.py poll_imap
"""

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Fetch the mail waiting in MAIL_IMAP_FOLDER, process it like ingest_mail and move it to "
            "MAIL_IMAP_PROCESSED_FOLDER; print a JSON summary. Does nothing while MAIL_IMAP_HOST is empty.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None,
                            help="At most this many mails (default: MAIL_IMAP_BATCH).")

    def handle(self, *args, limit=None, **options):
        from outreach.services.inbound_imap import imap_poll

        self.stdout.write(json.dumps(imap_poll(limit=limit), ensure_ascii=False))
