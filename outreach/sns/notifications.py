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

from outreach.inbound import classify as kinds
from outreach.inbound.bounces import FailedRecipient
from outreach.inbound.classify import Classification
from outreach.inbound.reasons import HARD_REASONS, enhanced_code, reply_code, verdict
from outreach.models import BounceReason, Message, MessageEvent
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


# SES bounce subtypes that name a reason where the recipient's diagnosticCode names none (SES developer
# guide, "Bounce types"). Suppressed/OnAccountSuppressionList: SES refused because the address hard-bounced
# before.
_SES_SUBTYPE_REASONS = {
    "NoEmail": BounceReason.USER_UNKNOWN, "Suppressed": BounceReason.USER_UNKNOWN,
    "OnAccountSuppressionList": BounceReason.USER_UNKNOWN, "MailboxFull": BounceReason.MAILBOX_FULL,
    "MessageTooLarge": BounceReason.MESSAGE_TOO_BIG, "ContentRejected": BounceReason.SPAM_DETECTED,
    "AttachmentRejected": BounceReason.POLICY, "General": BounceReason.UNDEFINED,
}


def _ses_recipient(recipient: dict, *, bounce_type: str, sub_type: str) -> FailedRecipient:
    """One bouncedRecipients entry. Its own action/status win over the notification's type: SES lists a
    recipient with action "delayed" and a 4.x.x status inside a Permanent bounce, and that one is soft."""
    status = enhanced_code(str(recipient.get("status") or "")) or None
    action = str(recipient.get("action") or "failed").lower()
    diagnostic = str(recipient.get("diagnosticCode") or "")[:1000]
    temporary = action == "delayed" or (status or "").startswith("4")
    found = verdict(status=status, code=None, diagnostic=diagnostic, action="delayed" if temporary else "failed")
    reason, derived_from, hard = found.reason, found.derived_from, found.hard
    if reason == BounceReason.UNDEFINED and sub_type in _SES_SUBTYPE_REASONS:
        reason, derived_from = _SES_SUBTYPE_REASONS[sub_type], f"SES bounce {bounce_type}/{sub_type}"
        hard = reason in HARD_REASONS and bounce_type == "Permanent" and not temporary
    if bounce_type != "Permanent":
        hard = False  # Transient, Undetermined: SES itself says it may work later
    # action stays "failed": SES has stopped trying whatever the entry says, so it is a (soft) bounce.
    return FailedRecipient(address=(recipient.get("emailAddress") or "").strip().lower(), status=status, hard=hard,
                           action="failed", diagnostic=diagnostic, reason=str(reason),
                           derived_from=derived_from, reply_code=reply_code(diagnostic), found_by="SES notification")


def _bounce(bounce: dict) -> Classification:
    bounce_type = str(bounce.get("bounceType", ""))
    sub_type = str(bounce.get("bounceSubType", ""))
    recipients = [_ses_recipient(r, bounce_type=bounce_type, sub_type=sub_type)
                  for r in bounce.get("bouncedRecipients", []) if isinstance(r, dict)]
    return Classification(kinds.BOUNCE, recipients, [f"SES bounce {bounce_type or '?'}/{sub_type or '?'}"] + [
        f"{r.address}: {r.action}, {'hard' if r.hard else 'soft'}, {r.reason} from {r.derived_from}"
        for r in recipients])


def _complaint(complaint: dict) -> Classification:
    feedback_type = (complaint.get("complaintFeedbackType") or "").lower()
    recipients = [FailedRecipient(address=(r.get("emailAddress") or "").strip().lower(), status=None, hard=False,
                                  action="complaint")
                  for r in complaint.get("complainedRecipients", []) if isinstance(r, dict)]
    if feedback_type == "not-spam":
        return Classification(kinds.UNKNOWN, recipients, ["SES complaint of type not-spam: nothing to do"],
                              feedback_type=feedback_type)
    return Classification(kinds.COMPLAINT, recipients, [f"SES complaint ({feedback_type or 'no feedback type'})"],
                          feedback_type=feedback_type)


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
