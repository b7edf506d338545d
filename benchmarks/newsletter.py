"""Benchmark of the newsletters (issue #11): rendering an issue, sending it to its subscribers, the sign-up API.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/<free db> \\
    .venv/bin/python -m benchmarks.newsletter [--recipients 20000]

It creates its own PostgreSQL database (dialogdesk_bench_newsletter_<pid>), migrates it, loads the demo content
and newsletters, and writes a 12-block issue (introduction, two article teasers, an event teaser, rich text,
an image, a button, a divider, three topic sections, closing text) in German with an English translation.

1. Rendering: every (language, topic combination) variant the engine can be asked for (2 x 2^3), each through
   the engine's one path (newsletters.mailable content, then MJML to HTML and text): ms per variant, twice
   (the first pass makes the image renditions). Target: under 300 ms per variant.
2. Sending: N confirmed subscribers (70 % German, 30 % English, each with 0 to 3 of the section topics),
   the issue's mailing as the admin creates it, a real Celery worker (`celery -A cms worker --concurrency 2`,
   prefork) through Redis, into the counting SMTP sink of benchmarks.send. Measured from mailing_send() until
   the sink accepts the last message, against benchmarks.send's raw smtplib replay of the same bytes to the
   same sink; losses and duplicates are counted at the sink. Targets: at least 0.6x the replay, 0 and 0.
3. The sign-up API (POST /api/newsletters/subscriptions/) under gunicorn as in benchmarks.api, against a static
   file of the same server: requests/s and errors. Each sign-up is a new address from a new client, as the
   server sees them behind its proxy (TRUSTED_PROXY=1, the proxy's X-Forwarded-For entry), so the rate limits
   stay at their defaults and count as in production. The queued sign-ups wait (no worker runs then); the
   database goes at the end. Target: at least 0.3x, no error.

Exactly one JSON object goes to stdout; progress goes to stderr. Workers, gunicorn, the sink, the database
and the broker's queues are cleaned up, also on error.
"""

import argparse
import itertools
import json
import logging
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

from benchmarks.contacts import ThrowawayPostgres
from benchmarks.loadgen import merge_results, run_load
from benchmarks.newsletterparts import create_issue, create_subscribers
from benchmarks.send import HOST, MAIL_DOMAIN, count_losses, run_baseline, run_engine
from benchmarks.sendparts import CountingHandler, Worker, _AnyPortController, broker_purge
from benchmarks.site import Gunicorn, GunicornSettings, collected_static_path

logger = logging.getLogger("benchmarks.newsletter")

TARGET_RENDER_MS = 300.0
TARGET_SEND_RATIO = 0.6
TARGET_SIGNUP_RATIO = 0.3
SIGNUP_PATH = "/api/newsletters/subscriptions/"


class ThrowawayNewsletterDatabase(ThrowawayPostgres):
    def __init__(self, base_url: str):
        super().__init__(base_url)
        old, self.name = self.name, f"dialogdesk_bench_newsletter_{os.getpid()}"
        self.url = self.url.replace(f"/{old}", f"/{self.name}")


# --- 1. Rendering ---------------------------------------------------------------------------

def measure_rendering(issue, topics) -> dict:
    from newsletters.mailable import issue_mailable_content
    from newsletters.rendering import topic_key
    from outreach.mailable import mail_content_render
    from outreach.rendering import mjml_to_html

    keys = sorted(topic_key(topic) for topic in topics)
    variants = [(locale, ",".join(combination)) for locale in ("de", "en")
                for size in range(len(keys) + 1) for combination in itertools.combinations(keys, size)]
    passes = []
    mjml_only = []
    for _pass in range(2):
        timings = []
        for locale, variant in variants:
            started = time.perf_counter()
            content = issue_mailable_content(issue=issue, locale=locale, variant=variant)
            html, text = mail_content_render(content, locale=locale, imprint="Wilhelmstraße 1, 10117 Berlin")
            timings.append((time.perf_counter() - started) * 1000)
            if not html or not text:
                raise RuntimeError(f"variant {locale}/{variant!r} rendered empty")
        passes.append(timings)
    # The MJML compiler's own share, for the record: the same documents through mjml-python alone.
    for locale, variant in variants:
        source = issue_mailable_content(issue=issue, locale=locale, variant=variant).mjml
        started = time.perf_counter()
        mjml_to_html(source)
        mjml_only.append((time.perf_counter() - started) * 1000)
    warm = passes[1]
    return {
        "variants": len(variants),
        "ms_per_variant_mean": round(statistics.mean(warm), 1),
        "ms_per_variant_max": round(max(warm), 1),
        "ms_per_variant_first_pass_mean": round(statistics.mean(passes[0]), 1),
        "ms_per_variant_first_pass_max": round(max(passes[0]), 1),
        "mjml_compile_ms_mean": round(statistics.mean(mjml_only), 1),
        "target_ms": TARGET_RENDER_MS,
        "target_met": max(passes[0] + warm) < TARGET_RENDER_MS,
    }


# --- 2. Sending -----------------------------------------------------------------------------


def measure_sending(*, issue, newsletter, topics, args, env: dict, var_dir: Path, handler, controller) -> dict:
    from django.db import connections

    from newsletters.services.issues import issue_mailing_create
    from outreach.models import Mailing

    languages = create_subscribers(newsletter=newsletter, topics=topics, recipients=args.recipients)
    mailing_id, _url = issue_mailing_create(issue=issue)
    mailing = Mailing.objects.get(pk=mailing_id)
    connections.close_all()
    worker = Worker(number=1, env=env, log_dir=var_dir, concurrency=args.concurrency).start()
    try:
        worker.wait_ready()
        engine = run_engine(mailing=mailing, handler=handler, workers=[worker], new_worker=None,
                            args=SimpleNamespace(kill_worker=False, kill_target="worker", fault=None,
                                                 timeout=args.timeout, recipients=args.recipients, stall_seconds=3.0))
    finally:
        worker.stop()
    counts = count_losses(mailing_id=mailing.pk, handler=handler)
    template = handler.sample
    if template is None:
        raise RuntimeError(f"the sink received nothing:\n{worker.log_tail()}")
    baseline = run_baseline(port=controller.port, handler=handler, template=template, count=args.recipients)
    accepted = counts["message_statuses"].get("accepted", 0)
    rate = accepted / engine["seconds"] if engine["seconds"] > 0 else 0.0
    ratio = rate / baseline["messages_per_s"]
    variants = Mailing.objects.get(pk=mailing.pk).variants.count()
    return {
        "recipients": args.recipients,
        "languages": languages,
        "seconds": round(engine["seconds"], 2),
        "messages_per_s": round(rate, 1),
        "baseline_messages_per_s": round(baseline["messages_per_s"], 1),
        "baseline": {"what": "benchmarks.send run_baseline: smtplib, one connection, the same bytes",
                     "seconds": round(baseline["seconds"], 2), "received_unique": baseline["received_unique"]},
        "ratio": round(ratio, 3),
        "losses": counts["losses"],
        "duplicates": counts["duplicates"],
        "timed_out": engine["timed_out"],
        "mailing_send_seconds": round(engine["send_call_seconds"], 2),
        "audience": sum(counts["message_statuses"].values()),  # N plus the demo's few subscribers
        "variants_rendered": variants,
        "message_bytes": len(template),
        "sink": counts,
        "worker": {"concurrency": args.concurrency, "pool": "prefork", "processes": 1},
        "targets": {"ratio_min": TARGET_SEND_RATIO, "losses": 0, "duplicates": 0},
        "targets_met": {"ratio": ratio >= TARGET_SEND_RATIO,
                        "zero_losses": counts["losses"] == 0 and not engine["timed_out"],
                        "zero_duplicates": counts["duplicates"] == 0},
    }


# --- 3. The sign-up API ---------------------------------------------------------------------

def signup_body_factory(*, newsletter, topics) -> callable:
    """A new address for every request, so the per-address limit never meets the same key twice."""
    from newsletters.models import ConsentText

    consent = ConsentText.objects.filter(kind="consent", language="de").order_by("-version").first()
    privacy = ConsentText.objects.filter(kind="privacy", language="de").order_by("-version").first()
    counter = itertools.count()
    prefix = secrets.token_hex(4)

    def body() -> bytes:
        number = next(counter)
        return json.dumps({
            "newsletter": newsletter.slug, "email": f"anmeldung{number}.{prefix}@example.org", "name": "Last Test",
            "language": "de", "topics": [topics[number % len(topics)].pk], "regions": [],
            "consent_text": consent.pk, "privacy_notice": privacy.pk, "website": "",
            "form_url": "https://www.example.org/newsletter",
        }).encode()

    return body


def client_headers_factory() -> callable:
    """Each request from its own client address, in the entry the trusted proxy appends (cms.client_address)."""
    counter = itertools.count(1)

    def headers() -> dict:
        number = next(counter)
        return {"Content-Type": "application/json",
                "X-Forwarded-For": f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"}

    return headers


def _post_once(port: int, path: str, body: bytes) -> tuple[int, float, bytes]:
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    started = time.perf_counter()
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json",
                                                              "X-Forwarded-For": "10.255.255.255"})
        response = connection.getresponse()
        return response.status, time.perf_counter() - started, response.read()
    finally:
        connection.close()


def measure_signup_api(*, newsletter, topics, args, env: dict, var_dir: Path) -> dict:
    from django.conf import settings as django_settings
    from django.core.management import call_command

    call_command("collectstatic", verbosity=0, interactive=False)
    static_path = collected_static_path(Path(env["STATIC_ROOT"]))
    body = signup_body_factory(newsletter=newsletter, topics=topics)
    settings = GunicornSettings(workers=args.gunicorn_workers)
    load = {"concurrency": args.concurrency_http, "duration": args.duration, "warmup": args.warmup}
    with Gunicorn(label="newsletter", env=env, settings=settings, log_dir=var_dir) as server:
        server.wait_ready(static_path)
        status, seconds, answer = _post_once(server.port, SIGNUP_PATH, body())
        logger.info("one sign-up: %s in %.3f s: %r", status, seconds, answer[:200])
        if status != 202:
            raise RuntimeError(f"{SIGNUP_PATH} answered {status}: {answer[:500]!r}\n{server.log_tail(20)}")
        # The baseline first and last, reported over both, so drift in background load favours neither side.
        static_runs = [run_load(port=server.port, path=static_path, **load)]
        signup = run_load(port=server.port, path=SIGNUP_PATH, method="POST", body=body,
                          headers=client_headers_factory(), expected_status=202, **load)
        static_runs.append(run_load(port=server.port, path=static_path, **load))
        if signup.errors:
            logger.warning("sign-up errors %s\n%s", signup.error_kinds, server.log_tail(15))
    static = merge_results(static_runs)
    ratio = signup.rps / static.rps if static.rps else 0.0
    return {
        "signup": signup.summary(),
        "static": {**static.summary(), "rps_per_run": [round(run.rps, 1) for run in static_runs]},
        "ratio": round(ratio, 3),
        "error_kinds": signup.error_kinds,
        "paths": {"signup": SIGNUP_PATH, "static": static_path},
        "clients": "a new address from a new client address (X-Forwarded-For behind TRUSTED_PROXY) per request",
        "rate_limits": {name: getattr(django_settings, name)
                        for name in ("NEWSLETTER_SIGNUP_RATE_IP", "NEWSLETTER_SIGNUP_RATE_ADDRESS")},
        "gunicorn": {"workers": settings.workers, "worker_class": settings.worker_class, "threads": settings.threads},
        "load": {**load, "client": "threads, one http.client keep-alive connection each"},
        "targets": {"ratio_min": TARGET_SIGNUP_RATIO, "errors": 0},
        "targets_met": {"ratio": ratio >= TARGET_SIGNUP_RATIO, "zero_errors": signup.errors == 0},
    }


# --- Main ----------------------------------------------------------------------------------

def benchmark_env(*, database_url: str, broker_url: str, var_dir: str, smtp_port: int) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "MAIL_RATE_LIMIT_REDIS_URL", "CELERY_TASK_ALWAYS_EAGER", "CACHE_URL")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "cms.settings", "DATABASE_URL": database_url, "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DIALOGDESK_VAR_DIR": var_dir, "STATIC_ROOT": str(Path(var_dir) / "static"),
        "MEDIA_ROOT": str(Path(var_dir) / "media"), "CELERY_BROKER_URL": broker_url,
        "STATIC_MANIFEST": "1",  # hashed names, as in production (and as the test environment may turn off)
        # Per-process cache, as benchmarks.api: the broker's Redis database must hold only Celery's keys. Room
        # for every client's rate-limit entries, as Redis would have.
        "CACHE_URL": "locmemcache://bench-newsletter?max_entries=1000000",
        "MAIL_BACKEND": "smtp", "MAIL_SMTP_HOST": HOST, "MAIL_SMTP_PORT": str(smtp_port),
        "MAIL_DOMAIN": MAIL_DOMAIN, "MAIL_RATE_PER_SECOND": "0", "MAIL_SMTP_TIMEOUT": "10",
        "TRUSTED_PROXY": "1",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
    })
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.newsletter", description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes (default 2)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds for the sending phase")
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds per HTTP scenario")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each HTTP scenario")
    parser.add_argument("--concurrency-http", type=int, default=8, help="parallel keep-alive connections")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--phases", default="render,send,signup",
                        help="which of render,send,signup to run (default all; the targets need all three)")
    args = parser.parse_args(argv)
    phases = set(args.phases.split(","))
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not urlsplit(broker_url).scheme.startswith("redis") or urlsplit(broker_url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("benchmarks.newsletter needs CELERY_BROKER_URL=redis://127.0.0.1:6379/<free db>.")
    if not urlsplit(base_url).scheme.startswith("postgres"):
        raise SystemExit("benchmarks.newsletter needs DATABASE_URL to point at PostgreSQL.")

    run_started = time.monotonic()
    handler = CountingHandler()
    controller = _AnyPortController(handler, hostname=HOST, port=0)
    logger.info("purged %s key(s) from %s", broker_purge(broker_url), broker_url)
    result: dict = {}
    with tempfile.TemporaryDirectory(prefix="dialogdesk-bench-newsletter-") as var_dir, \
            ThrowawayNewsletterDatabase(base_url) as database:
        controller.start()
        try:
            env = benchmark_env(database_url=database.url, broker_url=broker_url, var_dir=var_dir,
                                smtp_port=controller.port)
            os.environ.update(env)
            for name in ("REDIS_URL", "MAIL_RATE_LIMIT_REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"):
                os.environ.pop(name, None)
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connections

            from cms.services.demo import demo_content_load
            from newsletters.services.demo import demo_newsletters_load
            from newsletters.models import Newsletter

            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            demo_content_load()
            demo_newsletters_load()
            newsletter = Newsletter.objects.get(slug="zukunft-der-industrie")
            issue, topics, blocks = create_issue(newsletter)
            logger.info("database, demo and issue ready in %.1f s", time.perf_counter() - started)
            skipped = {"target_met": False, "targets_met": {"ratio": False, "zero_losses": False,
                                                            "zero_duplicates": False, "zero_errors": False},
                       "skipped": True}
            rendering = measure_rendering(issue, topics) if "render" in phases else skipped
            connections.close_all()
            sending = measure_sending(issue=issue, newsletter=newsletter, topics=topics, args=args, env=env,
                                      var_dir=Path(var_dir), handler=handler,
                                      controller=controller) if "send" in phases else skipped
            connections.close_all()
            signup = measure_signup_api(newsletter=newsletter, topics=topics, args=args, env=env,
                                        var_dir=Path(var_dir)) if "signup" in phases else skipped
            result = {
                "benchmark": "newsletter",
                "issue": {"blocks": blocks, "topic_sections": len(topics), "languages": ["de", "en"]},
                "rendering": rendering,
                "sending": sending,
                "signup_api": signup,
                "targets_met": {
                    "render_under_300_ms": rendering["target_met"],
                    "send_ratio": sending["targets_met"]["ratio"],
                    "send_zero_losses": sending["targets_met"]["zero_losses"],
                    "send_zero_duplicates": sending["targets_met"]["zero_duplicates"],
                    "signup_ratio": signup["targets_met"]["ratio"],
                    "signup_zero_errors": signup["targets_met"]["zero_errors"],
                },
                "database": database.name,
                "broker": broker_url,
                "cpu_count": os.cpu_count(),
                "load_average_1m_at_end": round(os.getloadavg()[0], 2),
                "elapsed_s": round(time.monotonic() - run_started, 1),
            }
            result["targets_met"]["all"] = all(result["targets_met"].values())
        finally:
            controller.stop()
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001 - cleanup goes on
                pass
            try:
                broker_purge(broker_url)
            except BaseException:  # noqa: BLE001
                logger.exception("purging %s", broker_url)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
