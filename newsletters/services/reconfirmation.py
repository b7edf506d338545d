"""Re-permission: asking imported subscribers without proof of consent to confirm.

Staff start it from the newsletter admin. Each subscriber who NEEDS_RECONFIRMATION gets the same signed,
single-use confirmation link as a sign-up (newsletters.services.signup.subscription_confirm takes it), in a
mail that carries only the request, sent through the engine's delivery backend by the worker. Who confirms
becomes a confirmed subscriber with the confirmation's time, IP and user agent in the proof log; who does
not stays where they are and is never sent a newsletter (the audience holds confirmed subscribers only).
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from newsletters.models import Newsletter, Subscription, SubscriptionEvent
from newsletters.models.subscriptions import new_key
from newsletters.services import links
from newsletters.services.mails import MailText
from newsletters.services.proof import subscription_event_record
from newsletters.services.tokens import confirmation_max_age, confirmation_token_make
from outreach import mailable

Kind = SubscriptionEvent.Kind
State = Subscription.State
MAILS_PER_TASK = 100


def subscriptions_needing_reconfirmation(*, newsletter: Newsletter) -> QuerySet:
    return Subscription.objects.filter(newsletter=newsletter, state=State.NEEDS_RECONFIRMATION,
                                       contact__isnull=False)


def reconfirmation_mail(*, newsletter: Newsletter, language: str, url: str) -> MailText:
    """Only the request, like the sign-up's confirmation mail: no advertising, nothing else to click."""
    with translation.override(language):
        name = newsletter.name(language)
        return MailText(
            subject=_("Do you want to receive “%(name)s”?") % {"name": name},
            text="\n\n".join([
                _("Your address was given to us for the newsletter “%(name)s”, but we have no confirmation from "
                  "you that you want to receive it. We send it only to people who have confirmed.")
                % {"name": name},
                _("If you want it, confirm here:") + f"\n{url}",
                _("The link works once and for %(hours)s hours.") % {"hours": max(1, confirmation_max_age() // 3600)},
                _("If you do not confirm, you will not receive the newsletter. You need not do anything else."),
            ]),
        )


def newsletter_reconfirmation_request(*, newsletter: Newsletter, actor=None) -> int:
    """Ask every subscriber of the newsletter who needs re-confirmation (and may be mailed at all) to confirm.

    Each gets a new single-use nonce (links of an earlier request stop working) and a proof entry; the mails
    are sent by the worker once this commits, MAILS_PER_TASK to a task. Calling it again asks again, with new
    links. Returns how many are asked.
    """
    with transaction.atomic():
        subscriptions = list(subscriptions_needing_reconfirmation(newsletter=newsletter).select_for_update()
                             .only("id", "email", "confirmation_nonce"))
        for subscription in subscriptions:
            subscription.confirmation_nonce = new_key()
        Subscription.objects.bulk_update(subscriptions, ["confirmation_nonce"], batch_size=1000)
        now = timezone.now()
        events = SubscriptionEvent.objects.bulk_create([
            SubscriptionEvent(subscription_id=subscription.pk, kind=Kind.RECONFIRMATION_REQUESTED, occurred_at=now,
                              actor=actor, data={"request": subscription.confirmation_nonce,
                                                 "newsletter": newsletter.reference})
            for subscription in subscriptions
        ], batch_size=1000)
        pairs = [(event.subscription_id, event.pk) for event in events]
        from newsletters.tasks import subscription_reconfirmation_mails_task

        for start in range(0, len(pairs), MAILS_PER_TASK):
            chunk = pairs[start:start + MAILS_PER_TASK]
            transaction.on_commit(lambda chunk=chunk: subscription_reconfirmation_mails_task.delay(chunk))
    return len(pairs)


def subscription_reconfirmation_mail_send(*, subscription_id: int, event_id: int) -> str:
    """Send the request of proof entry event_id. Safe to run twice: once per entry.

    Returns "sent", or why not: "superseded" (confirmed, newer request, gone), "suppressed", "refused",
    "done". Raises TransientDeliveryError when the mail server should be tried again.
    """
    from newsletters.services.signup import _send as send_and_record  # the sign-up's proof-keeping send

    subscription = Subscription.objects.select_related("newsletter", "contact").filter(pk=subscription_id).first()
    event = SubscriptionEvent.objects.filter(pk=event_id, subscription_id=subscription_id).first()
    if subscription is None or event is None or subscription.contact_id is None:
        return "superseded"
    if subscription.events.filter(data__for_event=event_id).exists():
        return "done"
    if (subscription.state != State.NEEDS_RECONFIRMATION
            or event.data.get("request") != subscription.confirmation_nonce):
        return "superseded"
    address = subscription.contact.email
    if not mailable.address_may_be_mailed(address):
        subscription_event_record(subscription=subscription, kind=Kind.CONFIRMATION_FAILED,
                                  data={"for_event": event_id, "reason": "suppressed"})
        return "suppressed"
    token = confirmation_token_make(subscription_id=subscription.pk, nonce=subscription.confirmation_nonce)
    mail = reconfirmation_mail(newsletter=subscription.newsletter, language=subscription.language,
                               url=links.confirmation_url(token, language=subscription.language))
    sent = send_and_record(subscription=subscription, mail=mail, to_email=address, sent_kind=Kind.CONFIRMATION_SENT,
                           data={"for_event": event_id, "reconfirmation": True})
    return "sent" if sent else "refused"
