"""Mail that comes back: classify it, find the message it is about, and act on it once.

inbound_process is the one entry point for every way mail arrives: the Postfix
pipe (manage.py ingest_mail), the IMAP poller (outreach.services.inbound_imap) and SES
receiving through SNS (outreach.sns.receiving). It takes the raw bytes, so each of those
only has to get the bytes.

Effects, per kind (none with dry_run, none for a mail seen before):

* bounce, hard (user unknown, host unknown, has moved, does not accept mail;
  permanent): message BOUNCED with its reason, a bounce event, the contact
  hard-bounced and stale, the address on the suppression list, 'bounced' on
  the timeline.
* bounce, soft: the same event and timeline entry; the contact's soft bounce
  count goes up (once per message), and at MAIL_SOFT_BOUNCE_LIMIT in a row
  the address is suppressed. A confirmed delivery resets the count
  (contact_delivery_succeeded). A refusal for the sender's reputation or a
  spam verdict (outreach.inbound.reasons.SENDER_REPUTATION_REASONS) says
  nothing about the address: recorded, never counted.
* complaint: suppressed (complaint), stale, 'complained' on the timeline.
* reply: stored, a reply event, 'replied' on the timeline, the contact's open
  follow-ups about the mailing (or its source) closed; when the mailing tracks
  replies, forwarded to its sender (outreach.services.reply_forwarding).
* auto_reply: stored and flagged; no follow-up is closed.
* unsubscribe: outreach.services.tracking.message_unsubscribe.
* unknown: stored and logged.
"""

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.inbound import classify as kinds
from outreach.inbound.classify import Classification, classify
from outreach.inbound.mail import InboundMail, read_mail
from outreach.inbound.match import match_by_headers, match_by_original, match_by_provider_id, match_by_recipient
from outreach.inbound.reasons import SENDER_REPUTATION_REASONS
from outreach.inbound.replies import reply_text
from outreach.models import (
    ActivityEvent,
    BounceReason,
    Contact,
    InboundMessage,
    Message,
    MessageEvent,
    SuppressionEntry,
)
from outreach.services.activity import activity_record, follow_ups_close_for_subject
from outreach.services.contacts import email_suppress

logger = logging.getLogger(__name__)

# Bounces and complaints are a copy of our own mail: see InboundMessage.raw.
_KEEP_RAW = {kinds.REPLY, kinds.AUTO_REPLY, kinds.UNSUBSCRIBE, kinds.UNKNOWN}


def soft_bounce_limit() -> int:
    return int(getattr(settings, "MAIL_SOFT_BOUNCE_LIMIT", 3))


def dedupe_key(mail: InboundMail, raw: bytes) -> str:
    message_id = mail.header("Message-ID")
    if message_id and len(message_id) <= 255:
        return message_id
    return "sha256:" + hashlib.sha256(message_id.encode() if message_id else raw).hexdigest()


def inbound_classify(raw: bytes, *, envelope_recipient: str | None = None):
    """Parse once, match and classify without writing anything: (InboundMail, Match, Classification).

    Matching a bounce or complaint: the token address it came to (VERP), In-Reply-To/References, then
    the Message-ID (or VERP Return-Path) of the returned original, then its one failed address with
    the most recent message sent there. Match.matched_by names the rule.
    """
    mail = read_mail(raw)
    match = match_by_headers(mail, envelope_recipient=envelope_recipient)
    expected = match.message.email if match.message is not None else None
    classification = classify(mail, role=match.role, refers_to_us=match.refers_to_us,
                              expected_recipient=expected)
    if classification.kind in (kinds.BOUNCE, kinds.COMPLAINT) and match.message is None:
        by_original = match_by_provider_id(classification.provider_message_id) or match_by_original(mail)
        if by_original.message is None:
            by_original = match_by_recipient([r.address for r in classification.recipients if r.address])
        if by_original.message is not None:
            match = by_original
            for recipient in classification.recipients:
                recipient.address = recipient.address or match.message.email.lower()
    return mail, match, classification


def inbound_process(raw: bytes, *, source: str, dry_run: bool = False, envelope_recipient: str | None = None) -> dict:
    """Classify one inbound mail and, unless dry_run, act on it. Returns a JSON-ready summary.

    Idempotent: the same mail (same Message-ID, or the same bytes when it has none) a second time
    returns duplicate=True and changes nothing. Atomic: the row and all its effects, or nothing.
    envelope_recipient is the SMTP RCPT TO where the caller knows it (Postfix pipe ${recipient}, SES).
    """
    mail, match, classification = inbound_classify(raw, envelope_recipient=envelope_recipient)
    text = reply_text(mail.message) if classification.kind in (kinds.REPLY, kinds.AUTO_REPLY) else ""
    result = {
        "kind": classification.kind,
        "recipients": [recipient.as_dict() for recipient in classification.recipients],
        "message_token": match.token,  # also when it names no message (deleted mailing, foreign token)
        "matched_message_id": match.message.pk if match.message is not None else None,
        "matched_by": match.matched_by if match.message is not None else None,
        "mailing_id": match.message.mailing_id if match.message is not None else None,
        "contact_id": match.message.contact_id if match.message is not None else None,
        "reasons": classification.reasons,
        "is_auto_reply": classification.is_auto_reply,
        "from": mail.sender,
        "subject": mail.subject,
        "message_id": mail.header("Message-ID") or None,
        "text": text,
        "source": source,
        "dry_run": dry_run,
        "duplicate": False,
        "effects": [],
        "inbound_message_id": None,
    }
    if match.message is None and classification.kind != kinds.UNKNOWN:
        result["reasons"].append("matches no message we sent: nothing to act on")
    result["summary"] = inbound_summary(result)
    if dry_run:
        return result

    with transaction.atomic():
        inbound, created = InboundMessage.objects.get_or_create(
            dedupe_key=dedupe_key(mail, raw),
            defaults={
                "kind": classification.kind, "source": source[:20], "message": match.message,
                "contact": match.message.contact if match.message is not None else None,
                "mailing": match.message.mailing if match.message is not None else None,
                "from_address": result["from"][:254], "subject": result["subject"][:500], "text": text,
                "is_auto_reply": classification.is_auto_reply, "recipients": result["recipients"],
                "reasons": result["reasons"],
            },
        )
        result["inbound_message_id"] = inbound.pk
        if not created:
            result["duplicate"] = True
            return result
        if classification.kind in _KEEP_RAW:
            # Inside the transaction: a rollback can leave an orphaned file, never a row without its mail.
            inbound.raw.save(f"{inbound.pk}.eml", ContentFile(raw), save=True)
        if match.message is not None:
            result["effects"] = _act(inbound=inbound, message=match.message, classification=classification)
    if classification.kind == kinds.UNKNOWN or (match.message is None and classification.kind != kinds.UNKNOWN):
        logger.warning("Inbound mail %s (%s) left without effect: %s", inbound.pk, classification.kind,
                       "; ".join(result["reasons"]))
    return result


def inbound_summary(result: dict) -> list[str]:
    """What the dry run shows a person: per failed recipient hard/soft, the reason and what it was derived
    from, and which rule matched the message."""
    lines = [f"{result['kind']}; message: {result['matched_by'] or 'not matched'}"]
    for recipient in result["recipients"]:
        if recipient.get("action") == "complaint":
            lines.append(f"{recipient['address']}: complaint")
            continue
        kind = "delayed" if recipient.get("action") == "delayed" else ("hard" if recipient["hard"] else "soft")
        lines.append(f"{recipient['address'] or '(address unknown)'}: {kind}, {recipient.get('reason') or '?'} "
                     f"(from {recipient.get('derived_from') or '?'}; found by {recipient.get('found_by') or '?'})")
    return lines


def _act(*, inbound: InboundMessage, message: Message, classification: Classification) -> list[str]:
    handlers = {
        kinds.BOUNCE: _bounced, kinds.COMPLAINT: _complained, kinds.REPLY: _replied,
        kinds.AUTO_REPLY: _auto_replied, kinds.UNSUBSCRIBE: _unsubscribed,
    }
    handler = handlers.get(classification.kind)
    return handler(inbound=inbound, message=message, classification=classification) if handler else []


def _contact_of(message: Message) -> Contact | None:
    # A contact who changed address since the send is not the one whose old address bounced.
    contact = message.contact
    if contact is not None and contact.email == message.email.strip().lower():
        return contact
    return None


def _event(message: Message, kind: str, inbound: InboundMessage, **data) -> None:
    MessageEvent.objects.create(message=message, kind=kind, occurred_at=inbound.received_at,
                                data={"inbound_message_id": inbound.pk, **data})


def _bounced(*, inbound: InboundMessage, message: Message, classification: Classification) -> list[str]:
    failures = [r for r in classification.recipients if r.action == "failed"]
    if not failures:
        return []  # only "delayed" reports: the remote system is still trying, nothing has failed yet
    mine = [r for r in failures if r.address == message.email.lower()]
    if not mine and any(r.address for r in failures):
        # A report about other addresses (a forged or misdirected bounce): nothing to do with this message.
        logger.warning("Bounce %s names %s, not %s: left without effect", inbound.pk,
                       ", ".join(sorted({r.address for r in failures if r.address}))[:500], message.email)
        return []
    mine = mine or failures
    chosen = next((r for r in mine if r.hard), mine[0])
    return message_bounced(message=message, hard=chosen.hard, status=chosen.status, reason=chosen.reason,
                           diagnostic=chosen.diagnostic or "", occurred_at=inbound.received_at,
                           event_data={"inbound_message_id": inbound.pk, "hard": chosen.hard, "status": chosen.status,
                                       "reason": chosen.reason, "derived_from": chosen.derived_from,
                                       "diagnostic": (chosen.diagnostic or "")[:500], "stage": "dsn"})


def message_bounced(*, message: Message, hard: bool, status: str | None, diagnostic: str, occurred_at,
                    event_data: dict, reason: str = "") -> list[str]:
    """The effects of a bounce of message, however we learned of it (a DSN, a 5xx at RCPT while sending):
    the message BOUNCED with its reason, one bounce event (event_data), 'bounced' on the timeline; hard:
    the address suppressed and the contact hard-bounced and stale; soft: the contact's soft-bounce count,
    except for a sender-reputation reason, which is not the address's doing. Returns the effects. Safe to
    repeat: the event, timeline entry and soft count come once per message."""
    effects = []
    reputation = reason in SENDER_REPUTATION_REASONS
    # bounce_type first: the report (selectors_mailings.bounce_kind) reads it before any status code.
    event_data = {"bounce_type": "hard" if hard else "soft", **event_data, "reason": reason,
                  "sender_reputation": reputation}
    if Message.objects.filter(pk=message.pk).exclude(status=Message.Status.BOUNCED).update(
            status=Message.Status.BOUNCED, last_error=diagnostic[:2000], bounce_reason=reason[:24]):
        effects.append("message bounced")
    # One bounce event, timeline entry and soft-bounce count per message, however many reports arrive.
    first = not MessageEvent.objects.filter(message=message, kind=MessageEvent.Kind.BOUNCE).exists()
    if first:
        MessageEvent.objects.create(message=message, kind=MessageEvent.Kind.BOUNCE, occurred_at=occurred_at,
                                    data=event_data)
    contact = _contact_of(message)
    if contact is not None and first:
        detail = status or "?"
        if reason and reason in BounceReason.values:
            detail = f"{detail}, {BounceReason(reason).label}"
        summary = (_("Hard bounce (%(status)s)") if hard else _("Soft bounce (%(status)s)")) % {"status": detail}
        activity_record(contact=contact, kind=ActivityEvent.Kind.BOUNCED, summary=summary,
                        subject=message.mailing.activity_subject, occurred_at=occurred_at,
                        data={"hard": hard, "status": status, "message_id": message.pk})
        effects.append("timeline: bounced")
    if hard:
        email_suppress(email=message.email, reason=SuppressionEntry.Reason.HARD_BOUNCE,
                       note=_("Hard bounce %(status)s") % {"status": status or ""})
        effects.append("suppressed: hard bounce")
        if contact is not None:
            Contact.objects.filter(pk=contact.pk).update(bounce_state=Contact.BounceState.HARD, is_stale=True,
                                                         updated_at=timezone.now())
            effects.append("contact: hard bounce, stale")
    elif reputation:
        effects.append("not counted: refused for the sender's reputation or as spam")
    elif contact is not None and first:
        effects += _soft_bounced(contact)
    return effects


def _soft_bounced(contact: Contact) -> list[str]:
    Contact.objects.filter(pk=contact.pk).exclude(bounce_state=Contact.BounceState.HARD).update(
        soft_bounce_count=F("soft_bounce_count") + 1, bounce_state=Contact.BounceState.SOFT,
        updated_at=timezone.now())
    count = Contact.objects.values_list("soft_bounce_count", flat=True).get(pk=contact.pk)
    effects = [f"contact: soft bounce {count} in a row"]
    if count >= soft_bounce_limit():
        # No separate suppression reason for this: it is the hard-bounce list, and the note says why.
        email_suppress(email=contact.email, reason=SuppressionEntry.Reason.HARD_BOUNCE,
                       note=_("Soft bounces: %(count)d in a row") % {"count": count})
        effects.append("suppressed: soft bounces")
    return effects


def _complained(*, inbound: InboundMessage, message: Message, classification: Classification) -> list[str]:
    _event(message, MessageEvent.Kind.COMPLAINT, inbound, feedback_type=classification.feedback_type)
    email_suppress(email=message.email, reason=SuppressionEntry.Reason.COMPLAINT,
                   note=_("Spam complaint (%(type)s)") % {"type": classification.feedback_type or "abuse"})
    effects = ["suppressed: complaint"]
    contact = _contact_of(message)
    if contact is not None:
        Contact.objects.filter(pk=contact.pk).update(is_stale=True, updated_at=timezone.now())
        activity_record(contact=contact, kind=ActivityEvent.Kind.COMPLAINED, summary=_("Marked the mailing as spam"),
                        subject=message.mailing.activity_subject, occurred_at=inbound.received_at,
                        data={"message_id": message.pk, "feedback_type": classification.feedback_type})
        effects += ["contact: stale", "timeline: complained"]
    return effects


def _replied(*, inbound: InboundMessage, message: Message, classification: Classification) -> list[str]:
    _event(message, MessageEvent.Kind.REPLY, inbound)
    effects = ["reply event"]
    contact = message.contact
    if contact is not None:
        subject = message.mailing.activity_subject
        activity_record(contact=contact, kind=ActivityEvent.Kind.REPLIED, summary=inbound.text[:200] or inbound.subject,
                        subject=subject, occurred_at=inbound.received_at,
                        data={"inbound_message_id": inbound.pk, "message_id": message.pk})
        # A follow-up may be about the mailing or about what was mailed (press: "call back about the
        # release"); an answer to this mailing settles both.
        closed = follow_ups_close_for_subject(contact=contact, subject=subject, also_about=(message.mailing.source,))
        effects += ["timeline: replied", f"follow-ups closed: {closed}"]
        effects += contact_delivery_succeeded(contact=contact)
    from outreach.services.reply_forwarding import reply_forward_enqueue  # queues a task: kept out of import time

    if reply_forward_enqueue(inbound=inbound):
        effects.append("forward to the sender queued")
    return effects


def _auto_replied(*, inbound: InboundMessage, message: Message, classification: Classification) -> list[str]:
    # Stored and flagged only: an out-of-office is no answer, so follow-ups stay open. It does prove
    # that the mailbox exists.
    contact = _contact_of(message)
    return contact_delivery_succeeded(contact=contact) if contact is not None else []


def _unsubscribed(*, inbound: InboundMessage, message: Message, classification: Classification) -> list[str]:
    from outreach.services.tracking import (
        message_unsubscribe,  # the tracking work owns unsubscribing
    )

    unsubscribed = message_unsubscribe(token=message.token, source="mailto")
    return ["unsubscribed" if unsubscribed.is_new else "unsubscribed already"]


def contact_delivery_succeeded(*, contact: Contact) -> list[str]:
    """A delivery was confirmed (open, click, reply, SES Delivery, DSN "delivered"): soft bounces are no
    longer "in a row". Not for a relay's 250 at send time: that comes before every later bounce and
    would reset the count each time. Safe to call twice; one UPDATE, nothing when already ok."""
    changed = Contact.objects.filter(pk=contact.pk, bounce_state=Contact.BounceState.SOFT).update(
        bounce_state=Contact.BounceState.OK, soft_bounce_count=0, updated_at=timezone.now())
    return ["contact: soft bounces reset"] if changed else []


def provider_feedback_process(*, dedupe_key: str, source: str, provider_message_id: str,
                              classification: Classification, subject: str = "") -> dict:
    """A bounce or complaint that a provider reports as data (SES through SNS) instead of as mail.

    The message is the one the provider accepted under provider_message_id; the
    effects are those of a DSN or ARF report of the same kind (_act). Recorded as
    an InboundMessage like mail that came back, so one list shows both; idempotent
    by dedupe_key (the notification's own id): a second time returns
    duplicate=True and changes nothing.
    """
    message = (Message.objects.select_related("mailing", "contact").filter(
        provider_message_id=provider_message_id).first() if provider_message_id else None)
    matched_by = "provider message id" if message is not None else None
    if message is None and not provider_message_id:
        # SES sends some complaints without mail.messageId: the complained (or bounced) address and the
        # most recent message sent to it.
        found = match_by_recipient([r.address for r in classification.recipients if r.address])
        message, matched_by = found.message, found.matched_by or None
    result = {
        "kind": classification.kind,
        "recipients": [recipient.as_dict() for recipient in classification.recipients],
        "matched_message_id": message.pk if message is not None else None,
        "matched_by": matched_by,
        "reasons": list(classification.reasons),
        "source": source,
        "duplicate": False,
        "effects": [],
        "inbound_message_id": None,
    }
    if message is None:
        result["reasons"].append("matches no message we sent: nothing to act on")
    with transaction.atomic():
        inbound, created = InboundMessage.objects.get_or_create(
            dedupe_key=dedupe_key[:255],
            defaults={
                "kind": classification.kind, "source": source[:20], "message": message,
                "contact": message.contact if message is not None else None,
                "mailing": message.mailing if message is not None else None,
                "subject": subject[:500], "recipients": result["recipients"], "reasons": result["reasons"],
            },
        )
        result["inbound_message_id"] = inbound.pk
        if not created:
            result["duplicate"] = True
            return result
        if message is not None:
            result["effects"] = _act(inbound=inbound, message=message, classification=classification)
    if message is None:
        logger.warning("%s report %s (%s) left without effect: %s", source, inbound.pk, classification.kind,
                       "; ".join(result["reasons"]))
    return result
