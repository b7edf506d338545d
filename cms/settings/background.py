"""Background work: Celery, its beat schedule, and publish webhooks."""

from .environment import VAR_DIR, env

# --- Celery -------------------------------------------------------------------
# The embedded default is kombu's filesystem transport: no server, the same
# task code as production (Redis or RabbitMQ through CELERY_BROKER_URL).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# An import of 100,000 rows takes minutes; past the soft limit it would only resume, with churn.
# A press kit of a few hundred MB (renditions made the first time) may also take longer than the default.
CELERY_TASK_ANNOTATIONS = {"outreach.tasks.contact_import_run_task": {"soft_time_limit": 1800, "time_limit": 1900},
                           "press.tasks.press_kit_build_task": {"soft_time_limit": 1500, "time_limit": 1600}}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# A broker host that does not answer must not hold an editor's publish for long;
# what could not be queued stays on its row and is requeued by beat.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)

# --- Webhooks -------------------------------------------------------------------
WEBHOOK_CONNECT_TIMEOUT = env.float("WEBHOOK_CONNECT_TIMEOUT", default=3.0)
WEBHOOK_READ_TIMEOUT = env.float("WEBHOOK_READ_TIMEOUT", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
# Off: endpoints must be public https receivers (cms.services.webhook_targets). On: loopback and
# private addresses and plain http too, for tests and receivers on an intranet.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)

CELERY_BEAT_SCHEDULE = {
    # Scheduled pages (a press release's embargo) go live within a minute of their time.
    "pages-publish-scheduled": {"task": "cms.tasks.pages_publish_scheduled_task", "schedule": 60.0,
                                "options": {"expires": 55}},
    "webhook-deliveries-requeue": {"task": "cms.tasks.webhook_deliveries_requeue_task", "schedule": 300.0},
    "mailings-start-due": {"task": "outreach.tasks.mailings_start_due_task", "schedule": 60.0},
    "mailings-recover-stalled": {"task": "outreach.tasks.mailings_recover_stalled_task", "schedule": 300.0},
    # Each sign-up schedules its own drain; this one catches a drain lost with its worker.
    "newsletter-signups-record": {"task": "newsletters.tasks.signups_queued_record_task", "schedule": 60.0,
                                  "options": {"expires": 55}},
    # Expires before the next one is due: when workers are busy, one waiting poll is enough.
    "newsletter-signups-purge": {"task": "newsletters.tasks.subscriptions_purge_unconfirmed_task",
                                 "schedule": 3600.0},
    "inbound-imap-poll": {"task": "outreach.tasks.inbound_imap_poll_task", "schedule": 60.0,
                          "options": {"expires": 55}},
}
