"""Benchmark of the delivery engine: a mailing through Redis, real Celery workers and SMTP, on PostgreSQL.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 \\
    .venv/bin/python -m benchmarks.send --recipients 20000 [--kill-worker]

It creates its own database (dialogdesk_bench_send_<pid>), migrates it and adds
N German contacts on one list, a sender, and a mailing with track_clicks=True
whose German HTML body (about 30 KB, 10 links, merge fields) is personalised
per recipient. An aiosmtpd sink on 127.0.0.1 (a thread of this process) records
every Message-ID it accepts. `celery -A cms worker --concurrency 2` runs as a
subprocess (own process group) with MAIL_BACKEND=smtp pointing at the sink.

Measured: from mailing_send() until the sink accepts the last message.
Baseline from the same run: plain smtplib sending N messages of the same bytes
(a message the engine sent, with its Message-ID replaced) to the same sink over
one connection. Worker RSS (the worker and its pool children, from
/proc/<pid>/status) is sampled during the run.

--kill-worker: after about a third of the messages, SIGKILL the worker's whole
process group (--kill-target worker) or one pool child (--kill-target child)
and start a new worker. A killed pool child's task is requeued by the broker at
once (acks_late + reject_on_worker_lost). A whole killed worker's tasks stay
unacknowledged in Redis until the visibility timeout (one hour; cms.settings
does not let the environment change CELERY_BROKER_TRANSPORT_OPTIONS for Redis),
so once the new worker has run out of work and only the dead batches' SENDING
rows are left, the benchmark calls
outreach.services.recovery.mailings_recover_stalled(now=now + claim timeout),
as beat would after MAIL_CLAIM_TIMEOUT_SECONDS. The JSON says which happened.

Exactly one JSON object goes to stdout; progress goes to stderr. Workers, the
sink, the database and the Redis database's queues are cleaned up, also on error.
"""

import argparse
import json
import logging
import os
import re
import secrets
import smtplib
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit


from benchmarks.contacts import ThrowawayPostgres
from benchmarks.sendparts import (
    newsletter_html,
    CountingHandler,
    RSSSampler,
    Worker,
    _AnyPortController,
    broker_purge,
)

logger = logging.getLogger("benchmarks.send")

HOST = "127.0.0.1"
MAIL_DOMAIN = "mail.dialogdesk.test"
TARGET_RATIO = 0.5
TARGET_RSS_MB = 300.0
CREATE_CHUNK = 5000
MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


# --- The SMTP sink ----------------------------------------------------------------------

class ThrowawaySendDatabase(ThrowawayPostgres):
    def __init__(self, base_url: str):
        super().__init__(base_url)
        old, self.name = self.name, f"dialogdesk_bench_send_{os.getpid()}"
        self.url = self.url.replace(f"/{old}", f"/{self.name}")


def create_mailing(*, recipients: int):
    from outreach.models import Contact, ContactList, ListMembership, Mailing, MailingContent, SenderIdentity
    from outreach.models import email_hash

    started = time.perf_counter()
    sender = SenderIdentity.objects.create(
        label="Pressestelle", from_name="Bündnis Zukunft der Industrie", from_email="presse@dialogdesk.test",
        reply_to_email="antwort@dialogdesk.test",
        imprint="Bündnis Zukunft der Industrie\nWilhelmstraße 1, 10117 Berlin\nV.i.S.d.P.: Erika Muster",
    )
    contact_list = ContactList.objects.create(name="Benchmark-Verteiler")
    first_names = ["Anna", "Jürgen", "Özlem", "Björn", "Marie", "Lukas", "Grete", "Hans-Peter"]
    last_names = ["Müller", "Schmidt", "Weiß", "Öztürk", "Groß", "Becker", "Lüdenscheidt", "Klein"]
    for start in range(0, recipients, CREATE_CHUNK):
        contacts = []
        for number in range(start, min(recipients, start + CREATE_CHUNK)):
            email = f"empfaenger{number}@example{number % 50}.de"
            contacts.append(Contact(
                email=email, email_hash=email_hash(email), language="de", source="benchmark",
                salutation=("ms", "mr", "")[number % 3], first_name=first_names[number % 8],
                last_name=last_names[(number // 8) % 8],
            ))
        created = Contact.objects.bulk_create(contacts)
        ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact=c) for c in created])
    mailing = Mailing.objects.create(title="Newsletter Industriedialog", sender=sender, track_clicks=True)
    html = newsletter_html()
    MailingContent.objects.create(mailing=mailing, locale="de", subject="Newsletter: Der Industriedialog geht weiter",
                                  preheader="Ergebnisse aus Krefeld", body_html=html)
    mailing.lists.add(contact_list)
    logger.info("created %s contacts and the mailing in %.1f s (body %d bytes)",
                recipients, time.perf_counter() - started, len(html.encode()))
    return mailing, len(html.encode())


# --- Measurements --------------------------------------------------------------------------

def message_counts(mailing_id: int) -> dict:
    from django.db.models import Count

    from outreach.models import Message

    rows = Message.objects.filter(mailing_id=mailing_id).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def run_engine(*, mailing, handler: CountingHandler, args, workers: list[Worker], new_worker) -> dict:
    """mailing_send, then wait until every message has left QUEUED/SENDING (or the timeout). Kills if asked."""
    from django.conf import settings
    from django.db import close_old_connections
    from django.utils import timezone

    from outreach.models import Mailing, Message
    from outreach.services.mailings import mailing_send
    from outreach.services.recovery import mailings_recover_stalled

    kill = {"target": args.kill_target, "done": False, "killed_pids": [], "at_sink_count": None,
            "recovery": "none needed", "recover_calls": 0} if args.kill_worker else None
    handler.reset()
    started = time.monotonic()
    mailing_send(mailing=mailing)
    sent_at = time.monotonic()
    logger.info("mailing_send took %.2f s (audience frozen, dispatch queued)", sent_at - started)
    deadline = started + args.timeout
    last_progress, last_count = time.monotonic(), 0
    timed_out = False
    while True:
        time.sleep(0.25)
        count, _last_at = handler.snapshot()
        now = time.monotonic()
        if count != last_count:
            last_count, last_progress = count, now
        if kill is not None and not kill["done"] and count >= args.recipients // 3:
            victim = workers[0]
            kill["killed_pids"] = victim.kill(args.kill_target)
            kill["at_sink_count"] = count
            kill["done"] = True
            logger.info("SIGKILLed %s %s at %s messages; starting a new worker", args.kill_target,
                        kill["killed_pids"], count)
            if args.kill_target == "worker":
                workers.remove(victim)
            workers.append(new_worker())
            last_progress = time.monotonic()
        close_old_connections()
        status = Mailing.objects.filter(pk=mailing.pk).values_list("status", flat=True).get()
        open_rows = Message.objects.filter(mailing=mailing, status__in=("queued", "sending"))
        if status == Mailing.Status.SENT or not open_rows.exists():
            break
        if kill is not None and kill["done"] and now - last_progress > args.stall_seconds \
                and not open_rows.filter(status="queued").exists():
            # Only rows claimed by dead batches are left and nothing moves: what beat's recovery would do
            # after MAIL_CLAIM_TIMEOUT_SECONDS, now.
            later = timezone.now() + timedelta(seconds=settings.MAIL_CLAIM_TIMEOUT_SECONDS + 1)
            dispatched = mailings_recover_stalled(now=later)
            kill["recover_calls"] += 1
            kill["recovery"] = "mailings_recover_stalled(now=now + MAIL_CLAIM_TIMEOUT_SECONDS)"
            logger.info("no progress for %.1f s with only SENDING rows left: recovery dispatched %s mailing(s)",
                        now - last_progress, dispatched)
            last_progress = time.monotonic()
        if now > deadline:
            timed_out = True
            logger.warning("timed out after %.0f s", now - started)
            break
    # Let the sink finish any message still in flight, then freeze its numbers.
    time.sleep(0.5)
    count, last_at = handler.snapshot()
    seconds = (last_at - started) if last_at else float("nan")
    if kill is not None and kill["done"] and kill["recover_calls"] == 0:
        kill["recovery"] = ("broker redelivery (acks_late, reject_on_worker_lost)" if args.kill_target == "child"
                            else "none needed")
    return {"seconds": seconds, "send_call_seconds": sent_at - started, "timed_out": timed_out,
            "sink_count": count, "kill": kill}


def count_losses(*, mailing_id: int, handler: CountingHandler) -> dict:
    from outreach.models import Message

    expected = set(Message.objects.filter(mailing_id=mailing_id).exclude(message_id="")
                   .values_list("message_id", flat=True))
    with handler.lock:
        seen = dict(handler.ids)
        without_id = handler.without_id
    statuses = message_counts(mailing_id)
    missing_at_sink = len(expected - seen.keys())
    not_accepted = sum(n for status, n in statuses.items() if status != "accepted")
    return {
        "message_statuses": statuses,
        "expected_ids": len(expected),
        "received_unique": len(seen),
        "received_total": sum(seen.values()) + without_id,
        "duplicates": sum(n - 1 for n in seen.values() if n > 1),
        "losses": missing_at_sink + not_accepted,
        "missing_at_sink": missing_at_sink,
        "rows_not_accepted": not_accepted,
        "unexpected_at_sink": len(seen.keys() - expected) + without_id,
    }


def run_baseline(*, port: int, handler: CountingHandler, template: bytes, count: int) -> dict:
    """smtplib over one connection: count messages of template's bytes, each with its own Message-ID."""
    match = MESSAGE_ID.search(template)
    if not match:
        raise RuntimeError("the sample message has no Message-ID")
    before, after = template[: match.start(1)], template[match.end(1):]
    handler.reset()
    started = time.monotonic()
    connection = smtplib.SMTP(HOST, port, timeout=30)
    try:
        connection.ehlo()
        for number in range(count):
            connection.sendmail("bounces@dialogdesk.test", [f"baseline{number}@example.org"],
                                before + f"<baseline.{number}@{MAIL_DOMAIN}>".encode() + after)
    finally:
        connection.quit()
    seconds = time.monotonic() - started
    with handler.lock:
        unique = len(handler.ids)
    return {"seconds": seconds, "messages_per_s": count / seconds, "received_unique": unique}


# --- Main ----------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL a worker after about a third")
    parser.add_argument("--kill-target", choices=("worker", "child"), default="worker",
                        help="the whole worker's process group (default) or one pool child")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=150.0, help="seconds for the sending phase")
    parser.add_argument("--stall-seconds", type=float, default=3.0,
                        help="--kill-worker: no progress for this long with only SENDING rows left -> recovery")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not urlsplit(broker_url).scheme.startswith("redis") or urlsplit(broker_url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("benchmarks.send needs CELERY_BROKER_URL=redis://127.0.0.1:6379/<free db>.")
    if not urlsplit(base_url).scheme.startswith("postgres"):
        raise SystemExit("benchmarks.send needs DATABASE_URL to point at PostgreSQL.")

    handler = CountingHandler()
    controller = _AnyPortController(handler, hostname=HOST, port=0)
    workers: list[Worker] = []
    all_workers: list[Worker] = []
    sampler = None
    result: dict = {}
    purged = broker_purge(broker_url)
    logger.info("purged %s key(s) from %s", purged, broker_url)
    with tempfile.TemporaryDirectory(prefix="dialogdesk-bench-send-") as var_dir, \
            ThrowawaySendDatabase(base_url) as database:
        database_name = database.name
        controller.start()
        try:
            env = {k: v for k, v in os.environ.items()
                   if k not in ("REDIS_URL", "MAIL_RATE_LIMIT_REDIS_URL", "CELERY_TASK_ALWAYS_EAGER")}
            env.update({
                "DJANGO_SETTINGS_MODULE": "cms.settings", "DATABASE_URL": database.url, "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DIALOGDESK_VAR_DIR": var_dir, "CELERY_BROKER_URL": broker_url,
                "CACHE_URL": "locmemcache://bench-send", "STATIC_MANIFEST": "0",
                "MAIL_BACKEND": "smtp", "MAIL_SMTP_HOST": HOST, "MAIL_SMTP_PORT": str(controller.port),
                "MAIL_DOMAIN": MAIL_DOMAIN, "MAIL_RATE_PER_SECOND": "0", "MAIL_SMTP_TIMEOUT": "10",
                "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
            })
            os.environ.update(env)
            for name in ("REDIS_URL", "MAIL_RATE_LIMIT_REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"):
                os.environ.pop(name, None)
            import django

            django.setup()
            from django.conf import settings
            from django.core.management import call_command
            from django.db import connections

            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            logger.info("migrated in %.1f s", time.perf_counter() - started)
            mailing, body_bytes = create_mailing(recipients=args.recipients)
            connections.close_all()

            def new_worker() -> Worker:
                worker = Worker(number=len(all_workers) + 1, env=env, log_dir=Path(var_dir),
                                concurrency=args.concurrency).start()
                all_workers.append(worker)
                return worker

            workers.append(new_worker())
            workers[0].wait_ready()
            sampler = RSSSampler(workers)
            sampler.start()
            engine = run_engine(mailing=mailing, handler=handler, args=args, workers=workers, new_worker=new_worker)
            sampler.stopped.set()
            sampler.join()
            counts = count_losses(mailing_id=mailing.pk, handler=handler)
            template = handler.sample
            for worker in all_workers:
                worker.stop()
            if template is None:
                raise RuntimeError(f"the sink received nothing:\n{all_workers[-1].log_tail()}")
            baseline = run_baseline(port=controller.port, handler=handler, template=template, count=args.recipients)
            accepted = counts["message_statuses"].get("accepted", 0)
            rate = accepted / engine["seconds"] if engine["seconds"] > 0 else 0.0
            ratio = rate / baseline["messages_per_s"]
            peak_worker_mb = sampler.peak_worker_kb / 1024
            allowed_duplicates = 0
            if engine["kill"] and engine["kill"]["done"]:
                # One message in flight per killed pool child; a worker's main process sends nothing.
                killed = len(engine["kill"]["killed_pids"])
                allowed_duplicates = killed if args.kill_target == "child" else max(1, killed - 1)
            result = {
                "benchmark": "send",
                "mode": f"kill-{args.kill_target}" if args.kill_worker else "normal",
                "recipients": args.recipients,
                "seconds": round(engine["seconds"], 2),
                "messages_per_s": round(rate, 1),
                "baseline_messages_per_s": round(baseline["messages_per_s"], 1),
                "ratio": round(ratio, 3),
                "peak_worker_rss_mb": round(peak_worker_mb, 1),
                "peak_process_rss_mb": round(sampler.peak_process_kb / 1024, 1),
                # The memory the worker (main process and pool children) takes from the machine: PSS counts
                # the pages the children share with their parent by fork once; the RSS sum counts them per process.
                "peak_worker_memory_mb": round(sampler.peak_worker_pss_kb / 1024, 1),
                "worker_memory_before_send_mb": round((sampler.first_worker_pss_kb or 0) / 1024, 1),
                "duplicates": counts["duplicates"],
                "losses": counts["losses"],
                "timed_out": engine["timed_out"],
                "mailing_send_seconds": round(engine["send_call_seconds"], 2),
                "message_bytes": len(template),
                "html_body_bytes": body_bytes,
                "sink": counts,
                "baseline": {"seconds": round(baseline["seconds"], 2), "received_unique": baseline["received_unique"],
                             "connections": 1},
                "kill": engine["kill"],
                "workers": {"started": len(all_workers), "concurrency": args.concurrency,
                            "batch_size": settings.MAIL_BATCH_SIZE, "pool": "prefork"},
                "database": database_name,
                "broker": broker_url,
                "cpu_count": os.cpu_count(),
                "targets": {"ratio_min": TARGET_RATIO, "peak_worker_memory_mb_max": TARGET_RSS_MB,
                            "rss_target_recipients": 100_000, "losses": 0,
                            "duplicates_max": allowed_duplicates},
                "targets_met": {
                    "ratio": ratio >= TARGET_RATIO,
                    # The memory target is stated for 100,000 recipients; smaller runs are a lower bound.
                    "peak_worker_memory_mb": sampler.peak_worker_pss_kb / 1024 < TARGET_RSS_MB,
                    "zero_losses": counts["losses"] == 0 and not engine["timed_out"],
                    "duplicates": counts["duplicates"] <= allowed_duplicates,
                },
            }
        finally:
            if sampler is not None:
                sampler.stopped.set()
            for worker in all_workers:
                try:
                    worker.stop()
                except Exception:  # noqa: BLE001 - cleanup goes on
                    logger.exception("stopping worker %s", worker.number)
            controller.stop()
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001
                pass
            try:
                broker_purge(broker_url)
            except BaseException:  # noqa: BLE001
                logger.exception("purging %s", broker_url)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
