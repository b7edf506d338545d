"""Delivery through Amazon SES (API v2, SendEmail with raw content), one boto3 client per batch.

A batch sends through several lanes (MAIL_SES_CONNECTIONS, outreach.delivery.lanes),
each making its own SendEmail calls through the batch's one client: boto3 clients
are thread-safe (sessions are not), and its connection pool is sized to the lanes.
A Throttling answer defers that one message (its task retries it later); a lane
throttled a second time stops for the rest of the batch, the others go on. The
rate limit (MAIL_RATE_PER_SECOND) is what keeps a mailing under the account's
sending rate.

Settings: MAIL_SES_REGION, MAIL_SES_ENDPOINT_URL (tests, VPC endpoints),
MAIL_SES_CONFIGURATION_SET (where SES publishes bounce, complaint and delivery
events to SNS: see outreach.views.sns), MAIL_SES_TIMEOUT, MAIL_SES_FEEDBACK_TO_VERP.
Credentials come from boto3's usual chain (environment, instance role).

The envelope sender: SES always sets MAIL FROM itself (its own bounce domain, or
the identity's custom MAIL FROM domain, one per identity), so our per-message VERP
address cannot be the envelope here. No Return-Path header is added to carry it
instead: that header belongs to the receiving server (RFC 5321), and SES would
replace it. The message goes out with the same bytes as through SMTP; its reply+
and unsubscribe+ addresses still lead back to the message. Bounces, complaints and
deliveries come back as SNS notifications naming the SES MessageId, which is why
send() returns it and the message stores it as provider_message_id.
FromEmailAddress is left out: SES takes it from the From header, which must be a
verified identity in any case.

FeedbackForwardingEmailAddress is set to the VERP address only with
MAIL_SES_FEEDBACK_TO_VERP: for an account that still forwards feedback by mail
(no SNS), the bounce mail then reaches the Postfix pipe with the token in its
address. It is off by default because SES refuses every send unless that
address's domain (MAIL_DOMAIN) is a verified identity too, and with SNS
notifications the mail copy is only a duplicate.
"""

import botocore.exceptions
import threading

from botocore.config import Config
from django.conf import settings

from outreach.delivery.base import PermanentDeliveryError, TransientDeliveryError

# Error codes (SES v2) that no retry will fix: the message, the account or the identity is refused.
PERMANENT_CODES = {
    "MessageRejected", "AccountSuspendedException", "MailFromDomainNotVerifiedException",
    "NotFoundException", "BadRequestException",
}
# Error codes that say "not now": SES's own sending rate, the daily quota, a paused account.
TRANSIENT_CODES = {
    "TooManyRequestsException", "LimitExceededException", "Throttling", "ThrottlingException",
    "SendingPausedException", "ServiceUnavailable", "InternalFailure",
}


def _error(exc: botocore.exceptions.ClientError) -> Exception:
    error = exc.response.get("Error", {})
    code = error.get("Code", "")
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    message = f"SES {code or status}: {error.get('Message', '')}"
    if code in TRANSIENT_CODES or status >= 500:
        # Throttled or broken on their side: every following message in this batch would fail the same
        # way, so the batch stops (connection_lost) and the task retries with backoff.
        return TransientDeliveryError(message, code=status or None, connection_lost=True)
    if code in PERMANENT_CODES or 400 <= status < 500:
        return PermanentDeliveryError(message, code=status or None)
    return TransientDeliveryError(message, code=status or None)


def _new_client(*, pool_size: int):
    import boto3  # only deployments that send through SES pay for importing it

    config = Config(
        connect_timeout=10,
        read_timeout=float(getattr(settings, "MAIL_SES_TIMEOUT", 30)),
        # A few quick retries for a blip; anything longer is the sending task's backoff.
        retries={"mode": "standard", "total_max_attempts": 3},
        max_pool_connections=max(10, pool_size),
    )
    try:
        return boto3.session.Session().client(
            "sesv2",
            region_name=getattr(settings, "MAIL_SES_REGION", None) or None,
            endpoint_url=getattr(settings, "MAIL_SES_ENDPOINT_URL", None) or None,
            config=config,
        )
    except botocore.exceptions.BotoCoreError as exc:
        # No region, unknown endpoint: a configuration mistake that a retry cannot fix.
        raise PermanentDeliveryError(f"cannot set up the SES client: {exc}", connection_lost=True) from exc


class SharedClient:
    """One client for the lanes of a batch: made by the first lane that opens, closed when the last closes."""

    def __init__(self, *, pool_size: int = 10):
        self.pool_size = pool_size
        self.lock = threading.Lock()
        self.client = None
        self.users = 0

    def take(self):
        with self.lock:
            if self.client is None:
                self.client = _new_client(pool_size=self.pool_size)
            self.users += 1
            return self.client

    def give_back(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users <= 0 and self.client is not None:
                self.client.close()
                self.client = None


class SESBackend:
    offers_8bit = False  # raw content goes out as composed: quoted-printable, 7bit

    def __init__(self, *, shared: SharedClient | None = None):
        self.shared = shared or SharedClient()
        self.client = None

    def open(self) -> None:
        if self.client is None:
            self.client = self.shared.take()

    def send(self, envelope_from: str, recipient: str, message_bytes: bytes) -> str:
        """One SendEmail call for one recipient; returns SES's MessageId."""
        if self.client is None:
            raise TransientDeliveryError("not connected", connection_lost=True)
        request = {
            "Destination": {"ToAddresses": [recipient]},
            "Content": {"Raw": {"Data": message_bytes}},
        }
        configuration_set = getattr(settings, "MAIL_SES_CONFIGURATION_SET", "")
        if configuration_set:
            request["ConfigurationSetName"] = configuration_set
        if getattr(settings, "MAIL_SES_FEEDBACK_TO_VERP", False):
            request["FeedbackForwardingEmailAddress"] = envelope_from
        try:
            response = self.client.send_email(**request)
        except botocore.exceptions.ClientError as exc:
            raise _error(exc) from exc
        except botocore.exceptions.BotoCoreError as exc:
            # Unreachable, timed out, or no credentials: nothing is wrong with the message, and nothing
            # more gets through in this batch. The messages wait for the retry, not marked failed.
            raise TransientDeliveryError(f"cannot reach SES: {exc}", connection_lost=True) from exc
        return response["MessageId"]

    def close(self) -> None:
        if self.client is not None:
            self.shared.give_back()
        self.client = None
