"""Mail that Amazon SES received for us (email receiving), announced by an SNS "Received" notification.

A receipt rule hands us the raw mail in one of two ways:

* S3 action: SES stores the mail in a bucket and notifies us with receipt.action
  {"type": "S3", "bucketName", "objectKey", ...}; we fetch the object.
* SNS action: the mail is the notification's "content" field, as text
  (encoding UTF8) or base64 (encoding BASE64). SES allows this up to 150 KB.

Either way the bytes go to outreach.services.inbound.inbound_process, the entry
point every inbound mail takes, which is idempotent by Message-ID: the same
notification twice acts once.

Only buckets in MAIL_SES_INBOUND_BUCKETS are read. The notification is signed and
its topic allow-listed, but the bucket and key are still data from outside, and
our credentials may reach more buckets than the one SES writes to.
"""

import base64
import binascii
import logging

import botocore.exceptions
from botocore.config import Config
from django.conf import settings

from outreach.delivery.headers import mail_domain
from outreach.services.inbound import inbound_process

logger = logging.getLogger(__name__)

SOURCE = "ses-inbound"
# S3 error codes that say "this object is not there": SES wrote it and someone removed it, or an earlier
# copy of this notification was processed with MAIL_SES_INBOUND_DELETE. No retry brings it back.
MISSING_CODES = {"NoSuchKey", "404", "NotFound"}


class InboundFetchError(Exception):
    """The raw mail could not be fetched from S3 (unreachable, timed out, throttled, refused).

    Nothing has been recorded; the caller answers SNS with an error so that SNS delivers the
    notification again, and the mail, still in the bucket, is fetched then.
    """


def _verdict(receipt: dict, name: str) -> str:
    verdict = receipt.get(name)
    return str(verdict.get("status") or "").upper() if isinstance(verdict, dict) else ""


def envelope_recipient_ours(recipients) -> str | None:
    """The first RCPT TO address at MAIL_DOMAIN (where our bounces+, reply+ and unsubscribe+ addresses
    live): a receipt rule for several domains lists others too, and those carry no token."""
    domain = mail_domain().lower()
    for address in recipients if isinstance(recipients, list) else []:
        if isinstance(address, str) and address.rpartition("@")[2].lower() == domain:
            return address.strip()
    return None


def ses_received_process(*, sns_message_id: str, notification: dict) -> dict:
    """Process the mail of one SES "Received" notification. Returns a JSON-ready summary.

    Raises InboundFetchError when S3 cannot be read now; for anything permanent (a bucket not
    allowed, a missing object, an action without the mail, SES's virus verdict FAIL) it logs,
    records nothing and returns. Idempotent through inbound_process.
    """
    receipt = notification.get("receipt") if isinstance(notification.get("receipt"), dict) else {}
    action = receipt.get("action") if isinstance(receipt.get("action"), dict) else {}
    result = {
        "kind": "Received", "action": action.get("type"), "ignored": False, "reason": "",
        "spam_verdict": _verdict(receipt, "spamVerdict"), "virus_verdict": _verdict(receipt, "virusVerdict"),
        "is_spam": False, "envelope_recipient": envelope_recipient_ours(receipt.get("recipients")),
        "object": None, "deleted": False, "inbound": None,
    }
    if result["virus_verdict"] == "FAIL":
        # Not even fetched: the mail stays where SES put it, for someone who wants to look at it with care.
        logger.warning("SES inbound %s: SES found a virus; not processed", sns_message_id)
        return _ignored(result, "virus")
    # Bounces are often flagged as spam (they quote our own mailing); a reply marked so is still a reply.
    result["is_spam"] = result["spam_verdict"] == "FAIL"

    if action.get("type") == "SNS":
        raw = _content(sns_message_id, notification.get("content"), action.get("encoding"))
        if raw is None:
            return _ignored(result, "no readable content")
    elif action.get("type") == "S3":
        bucket, key = str(action.get("bucketName") or ""), str(action.get("objectKey") or "")
        result["object"] = f"{bucket}/{key}"
        if not bucket or not key:
            logger.warning("SES inbound %s: S3 action without bucket or key; ignored", sns_message_id)
            return _ignored(result, "no object named")
        if bucket not in getattr(settings, "MAIL_SES_INBOUND_BUCKETS", []):
            logger.warning("SES inbound %s names bucket %r, which is not in MAIL_SES_INBOUND_BUCKETS; not fetched",
                           sns_message_id, bucket)
            return _ignored(result, "bucket not allowed")
        client = s3_client()
        raw = _fetch(client, bucket=bucket, key=key)
        if raw is None:
            # Expected for the second copy of a notification once the first deleted the object.
            level = logging.INFO if getattr(settings, "MAIL_SES_INBOUND_DELETE", False) else logging.WARNING
            logger.log(level, "SES inbound %s: s3://%s/%s is gone; nothing to process", sns_message_id, bucket, key)
            return _ignored(result, "object missing")
    else:
        # Bounce, Lambda, WorkMail, Stop, AddHeader: an alert about an action that gave us no mail.
        return _ignored(result, "no mail in this action")

    result["inbound"] = inbound_process(raw, source=SOURCE, envelope_recipient=result["envelope_recipient"])
    if action["type"] == "S3" and getattr(settings, "MAIL_SES_INBOUND_DELETE", False):
        result["deleted"] = _delete(client, bucket=bucket, key=key)
    return result


def _ignored(result: dict, reason: str) -> dict:
    result.update(ignored=True, reason=reason)
    return result


def _content(sns_message_id: str, content, encoding) -> bytes | None:
    if not isinstance(content, str) or not content:
        logger.warning("SES inbound %s: SNS action without content; ignored", sns_message_id)
        return None
    if str(encoding or "UTF8").upper() == "BASE64":
        try:
            return base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            logger.warning("SES inbound %s: content is not base64; ignored", sns_message_id)
            return None
    # UTF8: SES has already turned the mail into text; whatever it could not decode is lost either way.
    return content.encode("utf-8", errors="replace")


def s3_client():
    import boto3  # only deployments that receive through SES pay for importing it

    timeout = float(getattr(settings, "MAIL_SES_INBOUND_S3_TIMEOUT", 5))
    config = Config(
        connect_timeout=timeout, read_timeout=timeout,
        # No retries of our own: SNS waits for our answer only so long, and it retries itself.
        retries={"mode": "standard", "total_max_attempts": 1},
    )
    try:
        return boto3.session.Session().client(
            "s3", region_name=getattr(settings, "MAIL_SES_REGION", None) or None,
            endpoint_url=getattr(settings, "MAIL_SES_INBOUND_S3_ENDPOINT_URL", None) or None, config=config,
        )
    except (botocore.exceptions.BotoCoreError, ValueError) as exc:
        # No region, a malformed endpoint: a setting to fix while SNS still retries.
        raise InboundFetchError(f"cannot set up the S3 client: {exc}") from exc


def _fetch(client, *, bucket: str, key: str) -> bytes | None:
    """The object's bytes; None when it does not exist. Raises InboundFetchError when S3 cannot answer now."""
    try:
        response = client.get_object(Bucket=bucket, Key=key)
        return response["Body"].read()
    except botocore.exceptions.ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        if code in MISSING_CODES:
            return None
        # Throttled or failing (5xx), but also AccessDenied or NoSuchBucket: a policy or setting that can be
        # fixed while SNS still retries, and that shows up in SNS's failed deliveries. The mail stays in S3.
        raise InboundFetchError(f"S3 {code or status} for s3://{bucket}/{key}") from exc
    except botocore.exceptions.BotoCoreError as exc:
        # Unreachable, timed out, no credentials, a body cut off while streaming.
        raise InboundFetchError(f"cannot read s3://{bucket}/{key}: {exc}") from exc


def _delete(client, *, bucket: str, key: str) -> bool:
    try:
        client.delete_object(Bucket=bucket, Key=key)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        # The mail is processed; a copy left behind is only storage, and processing it again is a no-op.
        logger.warning("SES inbound: processed s3://%s/%s but could not delete it: %s", bucket, key, exc)
        return False
    return True
