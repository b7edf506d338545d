"""Tracked replies reach the person who sent the mailing: each one is forwarded to the sender's reply-to address.

Why forward instead of keeping Reply-To the officer and matching replies some other way: a reply only
comes back to us if it is addressed to us. With Reply-To the officer, we would see a reply only if the
officer's mailbox copied it to us (a Bcc or a rule set up by hand, easily lost, and leaking every other
mail in that mailbox) or if the journalist kept our Message-ID in References (many web mailers and
Outlook on a forward do not). The per-recipient reply address (reply+<token>@MAIL_DOMAIN) names the
message whatever the client does, so a tracked mailing's replies are matched reliably by
outreach.services.inbound; this module then hands each real reply on:

* only replies: bounces, complaints, unsubscribe mails and auto-replies (out-of-office) are not forwarded;
* to the mailing's sender's reply-to address (else its from address): for a press distribution that is
  the press officer, who set it up;
* with the journalist's address as Reply-To, so answering the forward answers the journalist directly,
  and the whole original mail (attachments included) attached as message/rfc822;
* once: the row's forwarded_at is set in the same transaction that holds the row lock during the send,
  so a retried or duplicated task never forwards twice (a crash between the carrier's acceptance and the
  commit is the only way to a second copy, which beats losing a journalist's answer).

The forward goes through the same delivery backend as any mail (outreach.services.transactional), is marked
Auto-Submitted (RFC 3834: no out-of-office answers it) and carries a token that names no message, so a
bounce of it cannot loop back into the reply path.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outreach.models import InboundMessage
from outreach.services.transactional import transactional_send

logger = logging.getLogger(__name__)


def reply_is_forwarded(inbound: InboundMessage) -> bool:
    """Whether this stored mail is a reply whose mailing tracks replies and has somebody to forward it to."""
    mailing = inbound.mailing
    return (inbound.kind == InboundMessage.Kind.REPLY and not inbound.is_auto_reply and mailing is not None
            and mailing.track_replies and mailing.sender is not None
            and bool(mailing.sender.reply_to_email or mailing.sender.from_email))


def reply_forward_enqueue(*, inbound: InboundMessage) -> bool:
    """Queue the forward once the transaction that stored the reply has committed. False when there is
    nothing to forward (see reply_is_forwarded)."""
    if not reply_is_forwarded(inbound):
        return False
    from outreach.tasks import inbound_reply_forward_task

    inbound_id = inbound.pk
    transaction.on_commit(lambda: inbound_reply_forward_task.delay(inbound_id))
    return True


def _forward_text(inbound: InboundMessage, *, journalist: str) -> str:
    lines = [
        _("%(person)s replied to “%(mailing)s”:") % {"person": journalist, "mailing": inbound.mailing.title},
        "",
        inbound.text.strip() or _("(The reply has no text of its own; see the attached mail.)"),
        "",
        "-- ",
        _("Answer this mail to write to %(address)s directly. The complete reply, with any attachments, "
          "is attached. The reply is also recorded on the contact's timeline.") % {"address": inbound.from_address},
    ]
    return "\n".join(lines)


@transaction.atomic
def inbound_reply_forward(*, inbound_message_id: int) -> str:
    """Forward one stored reply to its mailing's sender (see the module docstring). Returns "forwarded",
    "already forwarded" or "not forwarded" (not a reply, auto-reply, untracked mailing, nobody to send to).
    Raises TransientDeliveryError (retry) or PermanentDeliveryError from the delivery backend; the row stays
    unforwarded then. Safe to call twice."""
    inbound = (InboundMessage.objects.select_for_update(of=("self",))
               .select_related("mailing__sender", "contact").filter(pk=inbound_message_id).first())
    if inbound is None or not reply_is_forwarded(inbound):
        return "not forwarded"
    if inbound.forwarded_at is not None:
        return "already forwarded"
    sender = inbound.mailing.sender
    contact = inbound.contact
    name = contact.full_name if contact is not None else ""
    journalist = f"{name} <{inbound.from_address}>" if name else inbound.from_address
    attachments = []
    if inbound.raw:
        with inbound.raw.open("rb") as handle:
            attachments.append((f"reply-{inbound.pk}.eml", handle.read(), "message/rfc822"))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Reply from %(person)s: %(subject)s") % {"person": name or inbound.from_address,
                                                            "subject": inbound.subject or inbound.mailing.title}
        text = _forward_text(inbound, journalist=journalist)
    transactional_send(sender_id=sender.pk, to_email=sender.reply_to_email or sender.from_email,
                       to_name=sender.from_name, subject=subject, text=text, locale=settings.LANGUAGE_CODE[:2],
                       attachments=attachments, reply_to=inbound.from_address)
    InboundMessage.objects.filter(pk=inbound.pk).update(forwarded_at=timezone.now())
    logger.info("Reply %s forwarded to the sender of mailing %s", inbound.pk, inbound.mailing_id)
    return "forwarded"
