"""SES's own reports (Bounce, Complaint, Delivery notifications) read into a Classification: pure, no database.

Used for notifications SNS posts to us (outreach.sns.notifications) and for the same JSON when an SNS
topic delivers it by e-mail (From no-reply@sns.amazonaws.com, the JSON as the body, wrapped by SNS at
about 1000 characters with "!" + newline + space).
"""

import json
import re

from outreach.inbound import classify as kinds
from outreach.inbound.bounces import FailedRecipient
from outreach.inbound.classify import Classification
from outreach.inbound.reasons import HARD_REASONS, enhanced_code, reply_code, verdict
from outreach.models import BounceReason

_SNS_SENDER = re.compile(r"^no-reply@sns\.amazonaws\.com$", re.IGNORECASE)


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


def ses_bounce(bounce: dict) -> Classification:
    bounce_type = str(bounce.get("bounceType", ""))
    sub_type = str(bounce.get("bounceSubType", ""))
    recipients = [_ses_recipient(r, bounce_type=bounce_type, sub_type=sub_type)
                  for r in bounce.get("bouncedRecipients", []) if isinstance(r, dict)]
    return Classification(kinds.BOUNCE, recipients, [f"SES bounce {bounce_type or '?'}/{sub_type or '?'}"] + [
        f"{r.address}: {r.action}, {'hard' if r.hard else 'soft'}, {r.reason} from {r.derived_from}"
        for r in recipients])


def ses_complaint(complaint: dict) -> Classification:
    feedback_type = (complaint.get("complaintFeedbackType") or "").lower()
    recipients = [FailedRecipient(address=(r.get("emailAddress") or "").strip().lower(), status=None, hard=False,
                                  action="complaint")
                  for r in complaint.get("complainedRecipients", []) if isinstance(r, dict)]
    if feedback_type == "not-spam":
        return Classification(kinds.UNKNOWN, recipients, ["SES complaint of type not-spam: nothing to do"],
                              feedback_type=feedback_type)
    return Classification(kinds.COMPLAINT, recipients, [f"SES complaint ({feedback_type or 'no feedback type'})"],
                          feedback_type=feedback_type)


def ses_mail_notification(mail) -> tuple[Classification, str] | None:
    """(classification, SES messageId) of an SNS notification that came by e-mail; None for any other mail."""
    if not _SNS_SENDER.match(mail.sender):
        return None
    text = mail.text.replace("!\r\n ", "").replace("!\n ", "")
    start = text.find("{")
    if start < 0:
        return None
    try:
        notification, _end = json.JSONDecoder().raw_decode(text[start:start + 256 * 1024])
    except ValueError:
        return None
    if not isinstance(notification, dict):
        return None
    kind = notification.get("notificationType") or notification.get("eventType") or ""
    mail_part = notification.get("mail") if isinstance(notification.get("mail"), dict) else {}
    provider_id = str(mail_part.get("messageId") or "")
    if kind == "Bounce" and isinstance(notification.get("bounce"), dict):
        return ses_bounce(notification["bounce"]), provider_id
    if kind == "Complaint" and isinstance(notification.get("complaint"), dict):
        return ses_complaint(notification["complaint"]), provider_id
    if kind == "Delivery":
        return Classification(kinds.UNKNOWN, [], ["SES delivery notification (a success report)"]), provider_id
    return None
