"""What SES tells us through SNS about a message it carried: Bounce, Complaint, Delivery; and mail it
received for us ("Received", handed on to outreach.sns.receiving).

Both SES formats are read: identity notifications ("notificationType") and
configuration-set event publishing ("eventType"); the objects inside are the
same. The message is found by mail.messageId, the id SESBackend.send returned.
Bounces and complaints take the path of those that come back as mail
(outreach.services.inbound.provider_feedback_process), so the effects are the
same; a delivery is one event per message and resets the soft-bounce count.
Everything is idempotent by the SNS MessageId, or per message where SES may
report the same thing twice.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from outreach.inbound.ses import ses_bounce as _bounce
from outreach.inbound.ses import ses_complaint as _complaint
from outreach.models import Message, MessageEvent
from outreach.services.inbound import contact_delivery_succeeded, provider_feedback_process
from outreach.sns.bounded_json import JSONRefused, json_loads_bounded
from outreach.sns.receiving import ses_received_process

logger = logging.getLogger(__name__)

SOURCE = "ses"
# SES's JSON nests five levels at most (notification > mail > headers > [] > {}); SNS's envelope two.
MAX_DEPTH = 32
# SNS carries at most 256 KiB; room to spare, but no more.
MAX_MESSAGE_BYTES = 1024 * 1024


class NotificationRefused(ValueError):
    """The Message is too large or nested too deeply to be read: refused before json.loads (which would
    raise RecursionError), and never acted on."""


def _timestamp(value) -> datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    return parsed or timezone.now()


def ses_notification_process(*, sns_message_id: str, message: str) -> dict:
    """Act on the Message of a verified SNS Notification. Returns a summary; never raises for content
    it does not understand (SNS would only send it again). Raises InboundFetchError (outreach.sns.receiving)
    when received mail cannot be fetched from S3 now, NotificationRefused when message is too large or
    too deep to read."""
    try:
        notification = json_loads_bounded(message, max_bytes=MAX_MESSAGE_BYTES, max_depth=MAX_DEPTH)
    except JSONRefused as exc:
        raise NotificationRefused(str(exc)) from exc
    except (ValueError, TypeError):
        notification = None
    if not isinstance(notification, dict):
        logger.warning("SNS notification %s is not SES JSON; ignored", sns_message_id)
        return {"kind": None, "ignored": True}
    kind = notification.get("notificationType") or notification.get("eventType") or ""
    mail = notification.get("mail") if isinstance(notification.get("mail"), dict) else {}
    provider_id = str(mail.get("messageId") or "")
    subject = str((mail.get("commonHeaders") or {}).get("subject") or "")
    if kind == "Bounce" and isinstance(notification.get("bounce"), dict):
        classification = _bounce(notification["bounce"])
    elif kind == "Complaint" and isinstance(notification.get("complaint"), dict):
        classification = _complaint(notification["complaint"])
    elif kind == "Received":
        return ses_received_process(sns_message_id=sns_message_id, notification=notification)
    elif kind == "Delivery":
        return _delivered(sns_message_id=sns_message_id, provider_id=provider_id,
                          delivery=notification.get("delivery") or {})
    else:
        # Send, Reject, Open, Click, ... from a configuration set that publishes more than we use.
        return {"kind": kind, "ignored": True}
    return provider_feedback_process(dedupe_key=f"sns:{sns_message_id}", source=SOURCE,
                                     provider_message_id=provider_id, classification=classification,
                                     subject=subject)


def _delivered(*, sns_message_id: str, provider_id: str, delivery: dict) -> dict:
    result = {"kind": "Delivery", "matched_message_id": None, "duplicate": False, "effects": []}
    with transaction.atomic():
        # Locked, so two copies of the same notification arriving together record one event.
        message = (Message.objects.select_for_update().filter(provider_message_id=provider_id).first()
                   if provider_id else None)
        if message is None:
            logger.info("SES delivery %s names no message we sent (%r)", sns_message_id, provider_id)
            return result
        result["matched_message_id"] = message.pk
        if MessageEvent.objects.filter(message=message, kind=MessageEvent.Kind.DELIVERY).exists():
            result["duplicate"] = True
            return result
        MessageEvent.objects.create(
            message=message, kind=MessageEvent.Kind.DELIVERY, occurred_at=_timestamp(delivery.get("timestamp")),
            data={"sns_message_id": sns_message_id, "smtp_response": str(delivery.get("smtpResponse", ""))[:500],
                  "reporting_mta": str(delivery.get("reportingMTA", ""))[:255], "stage": "ses"},
        )
        result["effects"].append("delivery event")
        contact = message.contact
        # A contact who changed address since the send is not the one whose old address was delivered to.
        if contact is not None and contact.email == message.email.strip().lower():
            result["effects"] += contact_delivery_succeeded(contact=contact)
    return result
