"""The delivery engine (outreach): outgoing mail, inbound mail, and contact imports."""

from django.core.exceptions import ImproperlyConfigured

from .environment import DEBUG, VAR_DIR, env

# --- Outgoing mail (outreach delivery engine) ---------------------------------------
MAIL_BACKEND = env.str("MAIL_BACKEND", default="outbox")  # outbox | smtp | ses
MAIL_DOMAIN = env.str("MAIL_DOMAIN", default="localhost")  # Message-ID, bounces+/reply+/unsubscribe+ addresses
MAIL_OUTBOX_DIR = env.str("MAIL_OUTBOX_DIR", default=str(VAR_DIR / "outbox"))
MAIL_SMTP_HOST = env.str("MAIL_SMTP_HOST", default="127.0.0.1")
MAIL_SMTP_PORT = env.int("MAIL_SMTP_PORT", default=25)
MAIL_SMTP_USER = env.str("MAIL_SMTP_USER", default="")
MAIL_SMTP_PASSWORD = env.str("MAIL_SMTP_PASSWORD", default="")
MAIL_SMTP_STARTTLS = env.bool("MAIL_SMTP_STARTTLS", default=False)
MAIL_SMTP_TIMEOUT = env.float("MAIL_SMTP_TIMEOUT", default=30.0)
MAIL_SMTP_CONNECTIONS = env.int("MAIL_SMTP_CONNECTIONS", default=8)  # per batch (pool process); see README "Sending"
MAIL_SMTP_8BITMIME = env.bool("MAIL_SMTP_8BITMIME", default=True)  # 8bit bodies when the relay offers 8BITMIME
MAIL_DKIM_PRIVATE_KEY = env.str("MAIL_DKIM_PRIVATE_KEY", default="", multiline=True)
MAIL_DKIM_SELECTOR = env.str("MAIL_DKIM_SELECTOR", default="")
MAIL_DKIM_DOMAIN = env.str("MAIL_DKIM_DOMAIN", default="")
MAIL_BATCH_SIZE = env.int("MAIL_BATCH_SIZE", default=0)  # 0: 50 per connection, at least 200 (outreach.services.sending)
MAIL_STATUS_CHECK_EVERY = env.int("MAIL_STATUS_CHECK_EVERY", default=100)
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=5)
MAIL_RETRY_BASE_SECONDS = env.int("MAIL_RETRY_BASE_SECONDS", default=60)
# Attachments of one language together (outreach.services.attachments). Base64 makes them a third larger
# on the wire, and many receiving servers refuse messages over 10-25 MB: 10 MB stays below that.
MAIL_ATTACHMENT_MAX_BYTES = env.int("MAIL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
MAIL_RATE_PER_SECOND = env.float("MAIL_RATE_PER_SECOND", default=0)  # 0 = unlimited; shared by all workers
MAIL_RATE_LIMIT_REDIS_URL = env.str("MAIL_RATE_LIMIT_REDIS_URL", default="")  # empty: REDIS_URL, else in-process
# Longer than the longest gap between two status checks of a live batch, or a slow batch's rows are taken over.
MAIL_CLAIM_TIMEOUT_SECONDS = env.int("MAIL_CLAIM_TIMEOUT_SECONDS", default=900)
MAIL_DB_PATIENCE_SECONDS = env.int("MAIL_DB_PATIENCE_SECONDS", default=60)  # how long a batch waits to record what the relay took
# Linked at the end of the Art. 14 GDPR notice that the first mail to a contact from a third party carries.
PRIVACY_POLICY_URL = env.str("PRIVACY_POLICY_URL", default="")
MAIL_SOFT_BOUNCE_LIMIT = env.int("MAIL_SOFT_BOUNCE_LIMIT", default=3)  # soft bounces in a row before suppression
MAIL_SES_REGION = env.str("MAIL_SES_REGION", default="eu-central-1")
MAIL_SES_ENDPOINT_URL = env.str("MAIL_SES_ENDPOINT_URL", default="")
MAIL_SES_CONFIGURATION_SET = env.str("MAIL_SES_CONFIGURATION_SET", default="")  # publishes Bounce/Complaint/Delivery to SNS
MAIL_SES_TIMEOUT = env.float("MAIL_SES_TIMEOUT", default=30)
MAIL_SES_CONNECTIONS = env.int("MAIL_SES_CONNECTIONS", default=8)  # concurrent SendEmail calls per batch
MAIL_SES_FEEDBACK_TO_VERP = env.bool("MAIL_SES_FEEDBACK_TO_VERP", default=False)
MAIL_SNS_TOPIC_ARNS = env.list("MAIL_SNS_TOPIC_ARNS", default=[])
# Inbound mail by IMAP (outreach.services.inbound_imap): off while MAIL_IMAP_HOST is empty.
MAIL_IMAP_HOST = env.str("MAIL_IMAP_HOST", default="")
MAIL_IMAP_SECURITY = env.str("MAIL_IMAP_SECURITY", default="ssl")  # ssl | starttls | none (this machine only)
MAIL_IMAP_PORT = env.int("MAIL_IMAP_PORT", default=993 if MAIL_IMAP_SECURITY == "ssl" else 143)
MAIL_IMAP_USER = env.str("MAIL_IMAP_USER", default="")
MAIL_IMAP_PASSWORD = env.str("MAIL_IMAP_PASSWORD", default="")
MAIL_IMAP_FOLDER = env.str("MAIL_IMAP_FOLDER", default="INBOX")
MAIL_IMAP_PROCESSED_FOLDER = env.str("MAIL_IMAP_PROCESSED_FOLDER", default="Dialogdesk/Processed")  # empty: delete
MAIL_IMAP_TIMEOUT = env.float("MAIL_IMAP_TIMEOUT", default=30.0)
MAIL_IMAP_BATCH = env.int("MAIL_IMAP_BATCH", default=500)  # mails per run, so that a beat run stays short
# SES email receiving (outreach.sns.receiving): the buckets a receipt rule's S3 action may name; empty
# refuses the S3 action. The SNS action needs none of these.
MAIL_SES_INBOUND_BUCKETS = env.list("MAIL_SES_INBOUND_BUCKETS", default=[])
MAIL_SES_INBOUND_DELETE = env.bool("MAIL_SES_INBOUND_DELETE", default=False)  # the object, once processed
MAIL_SES_INBOUND_S3_ENDPOINT_URL = env.str("MAIL_SES_INBOUND_S3_ENDPOINT_URL", default="")
# Short: the fetch happens while SNS waits for our answer, and SNS retries a failed delivery itself.
MAIL_SES_INBOUND_S3_TIMEOUT = env.float("MAIL_SES_INBOUND_S3_TIMEOUT", default=5)
if MAIL_BACKEND not in ("outbox", "smtp", "ses"):
    raise ImproperlyConfigured(f"MAIL_BACKEND must be 'outbox', 'smtp' or 'ses', not {MAIL_BACKEND!r}.")
if not DEBUG and MAIL_BACKEND in ("smtp", "ses") and MAIL_DOMAIN == "localhost":
    raise ImproperlyConfigured("MAIL_DOMAIN must name the sending domain when sending real mail with DEBUG off.")
if MAIL_IMAP_SECURITY not in ("ssl", "starttls", "none"):
    raise ImproperlyConfigured(f"MAIL_IMAP_SECURITY must be 'ssl', 'starttls' or 'none', not {MAIL_IMAP_SECURITY!r}.")
_imap_local = MAIL_IMAP_HOST.strip("[]").lower() in ("127.0.0.1", "::1", "localhost")
if MAIL_IMAP_HOST and MAIL_IMAP_SECURITY == "none" and not _imap_local:
    # The poller refuses it as well (outreach.inbound.imap), for settings changed at run time.
    raise ImproperlyConfigured("MAIL_IMAP_SECURITY=none (clear-text password) is allowed only for a server on this "
                               "machine (127.0.0.1, ::1, localhost); use 'ssl' or 'starttls'.")

# --- Contact imports ------------------------------------------------------------------
CONTACT_IMPORT_MAX_BYTES = env.int("CONTACT_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Each refused at upload with a message (outreach.imports.reading); columns are capped below
# DATA_UPLOAD_MAX_NUMBER_FIELDS as well, since every column is a field of the mapping form.
CONTACT_IMPORT_MAX_COLUMNS = env.int("CONTACT_IMPORT_MAX_COLUMNS", default=200)
CONTACT_IMPORT_MAX_CELL_CHARS = env.int("CONTACT_IMPORT_MAX_CELL_CHARS", default=64 * 1024)
CONTACT_IMPORT_MAX_ROWS = env.int("CONTACT_IMPORT_MAX_ROWS", default=1_000_000)
