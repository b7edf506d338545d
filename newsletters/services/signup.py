"""Sign-up with double opt-in: request, confirmation mail, confirmation, welcome, purge.

Never reveals whether an address is known: the view validates what does not
depend on the address (newsletter, topics, consent texts, the address's form)
and only queues the request (newsletters.services.signup_queue), so the answer
and its timing are the same for a new, a pending, a subscribed and a suppressed
address. The worker then records it (subscription_request) and sends a
confirmation request or, to an existing subscriber, a harmless notice.
Nothing but these goes to an address whose owner has not confirmed.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletters.models import ConsentText, Newsletter, QueuedSignup, Subscription, SubscriptionEvent
from newsletters.services import links, mails
from newsletters.services.growth import purged_sign_ups_count
from newsletters.services.proof import NO_REQUEST, RequestFacts, subscription_event_record
from newsletters.services.tokens import (
    TokenExpired,
    TokenInvalid,
    confirmation_token_make,
    confirmation_token_read,
    preference_token_make,
)
from outreach import mailable


logger = logging.getLogger(__name__)
Kind = SubscriptionEvent.Kind
State = Subscription.State


@dataclass(frozen=True)
class SignupRequest:
    newsletter: Newsletter
    email: str  # normalised by the caller (serializer or form)
    language: str
    consent_text: ConsentText
    privacy_notice: ConsentText
    name: str = ""
    topic_ids: tuple[int, ...] = ()
    region_ids: tuple[int, ...] = ()


def subscription_request_from_payload(*, payload: dict) -> Subscription | None:
    """The worker's half of a sign-up (the task's payload is plain data). Safe to run twice: a request id
    already in the proof log is not recorded again. None when the newsletter or texts are gone meanwhile."""
    from django.utils.dateparse import parse_datetime

    if SubscriptionEvent.objects.filter(data__request_id=payload["request_id"]).exists():
        return None
    newsletter = Newsletter.objects.filter(pk=payload["newsletter_id"], is_public=True).first()
    texts = ConsentText.objects.in_bulk([payload["consent_text_id"], payload["privacy_notice_id"]])
    if newsletter is None or len(texts) != 2:
        return None
    # What the newsletter offers now: the form's check ran against a catalogue that may be a minute old.
    topic_ids = newsletter.topics.filter(pk__in=payload["topic_ids"]).values_list("pk", flat=True)
    region_ids = newsletter.regions.filter(pk__in=payload["region_ids"]).values_list("pk", flat=True)
    request = SignupRequest(
        newsletter=newsletter, email=payload["email"], language=payload["language"], name=payload["name"],
        consent_text=texts[payload["consent_text_id"]], privacy_notice=texts[payload["privacy_notice_id"]],
        topic_ids=tuple(sorted(topic_ids)), region_ids=tuple(sorted(region_ids)),
    )
    facts = RequestFacts(ip_address=payload["ip_address"], user_agent=payload["user_agent"],
                         form_url=payload["form_url"])
    return subscription_request(request=request, facts=facts, request_id=payload["request_id"],
                                requested_at=parse_datetime(payload["requested_at"]))


def _lock(newsletter: Newsletter, email: str) -> Subscription | None:
    return (Subscription.objects.select_for_update().filter(newsletter=newsletter, email=email).first()
            or Subscription.objects.select_for_update(of=("self",)).filter(newsletter=newsletter,
                                                                           contact__email=email).first())


@transaction.atomic
def subscription_request(*, request: SignupRequest, facts: RequestFacts, request_id: str = "",
                         requested_at=None, actor=None, extra_details: dict | None = None) -> Subscription:
    """Record a sign-up and queue its mail. Idempotent in effect: a repeat renews a pending request.

    A subscribed (confirmed or paused) address is left as it is and gets a notice; a pending or
    unsubscribed one gets a new confirmation request (older links stop working). A staff member asking
    for the confirmation on someone's behalf is the actor, with their note in extra_details (both in the log).
    """
    newsletter = request.newsletter
    language = newsletter.language_for(request.language)
    subscription = _lock(newsletter, request.email)
    if subscription is None:
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(
                    newsletter=newsletter, email=request.email, signed_up_at=timezone.now(), language=language)
        except IntegrityError:  # the same address at the same moment: take the other request's row
            subscription = _lock(newsletter, request.email)
    requested_at = requested_at or timezone.now()
    details = {
        "request_id": request_id, "email": request.email, "newsletter": newsletter.reference, "language": language,
        "topics": sorted(request.topic_ids), "regions": sorted(request.region_ids),
        "consent_text": {"id": request.consent_text.pk, "version": request.consent_text.version},
        "privacy_notice": {"id": request.privacy_notice.pk, "version": request.privacy_notice.version},
        **(extra_details or {}),
    }
    if subscription.state in (State.CONFIRMED, State.PAUSED):
        event = subscription_event_record(subscription=subscription, kind=Kind.SIGNED_UP_AGAIN, facts=facts,
                                          data=details, occurred_at=requested_at, actor=actor)
    else:
        subscription.state = State.PENDING
        subscription.name = request.name
        subscription.language = language
        subscription.consent_text = request.consent_text
        subscription.privacy_notice = request.privacy_notice
        subscription.confirmation_nonce = Subscription._meta.get_field("confirmation_nonce").default()
        subscription.signed_up_at = requested_at
        subscription.save()
        subscription.topics.set(request.topic_ids)
        subscription.regions.set(request.region_ids)
        event = subscription_event_record(subscription=subscription, kind=Kind.SIGNED_UP, facts=facts,
                                          data={**details, "request": subscription.confirmation_nonce},
                                          occurred_at=requested_at, actor=actor)
    from newsletters.tasks import subscription_signup_mail_task

    transaction.on_commit(lambda: subscription_signup_mail_task.delay(subscription.pk, event.pk))
    return subscription


def _already_answered(subscription: Subscription, event_id: int) -> bool:
    return subscription.events.filter(data__for_event=event_id).exists()


def subscription_signup_mail_send(*, subscription_id: int, event_id: int) -> str:
    """Send the mail a sign-up (proof entry event_id) asked for. Safe to run twice: once per entry.

    Returns what was done: "confirmation", "notice", or why nothing was sent ("superseded", "suppressed",
    "done"). Raises TransientDeliveryError when the mail server should be tried again.
    """
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().select_related("newsletter").filter(
            pk=subscription_id).first()
        event = SubscriptionEvent.objects.filter(pk=event_id, subscription_id=subscription_id).first()
        if subscription is None or event is None:
            return "superseded"  # purged meanwhile
        if _already_answered(subscription, event_id):
            return "done"
    newsletter = subscription.newsletter
    language = subscription.language
    address = subscription.contact.email if subscription.contact_id else subscription.email
    if not mailable.address_may_be_mailed(address):
        # Objection, erasure, bounce...: no mail at all. The answer on the site was the same.
        subscription_event_record(subscription=subscription, kind=Kind.CONFIRMATION_FAILED,
                                  data={"for_event": event_id, "reason": "suppressed"})
        return "suppressed"
    if event.kind == Kind.SIGNED_UP:
        if subscription.state != State.PENDING or event.data.get("request") != subscription.confirmation_nonce:
            return "superseded"  # a newer request or a confirmation came first
        token = confirmation_token_make(subscription_id=subscription.pk, nonce=subscription.confirmation_nonce)
        mail = mails.confirmation_mail(newsletter=newsletter, language=language,
                                       url=links.confirmation_url(token, language=language))
        done, sent_kind = "confirmation", Kind.CONFIRMATION_SENT
    else:
        mail = mails.already_subscribed_mail(newsletter=newsletter, language=language,
                                             preferences_url=preferences_link(subscription))
        done, sent_kind = "notice", Kind.NOTICE_SENT
    _send(subscription=subscription, mail=mail, to_email=address, sent_kind=sent_kind,
          data={"for_event": event_id})
    return done


def _send(*, subscription: Subscription, mail: mails.MailText, to_email: str, sent_kind: str, data: dict,
          attachments=None) -> bool:
    """Send and record the outcome in the proof log. A refusal is recorded; a deferral re-raises for a retry."""
    try:
        provider_id = mailable.transactional_mail_send(
            sender_id=subscription.newsletter.sender_id, to_email=to_email, to_name=subscription.name,
            subject=mail.subject, text=mail.text, locale=subscription.language, attachments=attachments)
    except mailable.PermanentDeliveryError as exc:
        subscription_event_record(subscription=subscription, kind=Kind.CONFIRMATION_FAILED,
                                  data={**data, "kind": sent_kind, "error": str(exc)[:500]})
        return False
    subscription_event_record(subscription=subscription, kind=sent_kind,
                              data={**data, "to": to_email, "provider_id": provider_id[:255],
                                    "accepted_at": timezone.now().isoformat()})
    return True


def preferences_link(subscription: Subscription) -> str:
    token = preference_token_make(subscription_id=subscription.pk, preference_key=subscription.preference_key)
    return links.preferences_url(token, language=subscription.language)


@dataclass(frozen=True)
class ConfirmResult:
    status: str  # "confirmed" | "already-confirmed" | "expired" | "invalid"
    subscription: Subscription | None = None


def subscription_confirm(*, token: str, facts: RequestFacts = NO_REQUEST) -> ConfirmResult:
    """Confirm a sign-up from its mail's link. Idempotent: the same link again answers "already-confirmed".

    Attaches (or creates) the Contact of the address, records the confirmation
    with time, IP and user agent, puts it on the contact's timeline and queues
    the welcome mail. A replayed link of an older request, a tampered or
    foreign token: "invalid"; too old: "expired". Changes nothing then.
    """
    try:
        claim = confirmation_token_read(token)
    except TokenExpired:
        return ConfirmResult("expired")
    except TokenInvalid:
        return ConfirmResult("invalid")
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().select_related("newsletter").filter(
            pk=claim.subscription_id).first()
        if subscription is None:
            return ConfirmResult("invalid")
        # NEEDS_RECONFIRMATION: an imported subscriber answering a re-confirmation request (services.reconfirmation).
        if (subscription.state not in (State.PENDING, State.NEEDS_RECONFIRMATION)
                or not claim.nonce or subscription.confirmation_nonce != claim.nonce):
            confirmed_by_this = subscription.events.filter(kind=Kind.CONFIRMED, data__request=claim.nonce).exists()
            if confirmed_by_this and subscription.state in (State.CONFIRMED, State.PAUSED):
                return ConfirmResult("already-confirmed", subscription)
            return ConfirmResult("invalid")
        newsletter = subscription.newsletter
        try:
            first, _space, last = subscription.name.partition(" ")
            contact_id = subscription.contact_id or mailable.contact_for_address(
                email=subscription.email, first_name=first, last_name=last, language=subscription.language,
                source=f"Newsletter sign-up: {newsletter.name('de')}",
                consent_note=f"Double opt-in for the newsletter “{newsletter.name('de')}”; proof in its log "
                             f"(subscription #{subscription.pk}).",
            )
        except ValidationError:  # suppressed since the request (e.g. erased): the request lapses
            return ConfirmResult("invalid")
        now = timezone.now()
        subscription.contact_id = contact_id
        subscription.state = State.CONFIRMED
        subscription.confirmed_at = now
        subscription.unsubscribed_at = None
        subscription.confirmation_nonce = ""  # single use
        subscription.save()
        event = subscription_event_record(subscription=subscription, kind=Kind.CONFIRMED, facts=facts,
                                          data={"request": claim.nonce}, occurred_at=now)
        mailable.contact_timeline_record(contact_id=contact_id, kind="subscribed", summary=newsletter.name("de"),
                                         subject=newsletter.reference, data={"subscription": subscription.pk})
        if newsletter.localised("welcome_text", subscription.language).strip():
            from newsletters.tasks import subscription_welcome_mail_task

            transaction.on_commit(lambda: subscription_welcome_mail_task.delay(subscription.pk, event.pk))
    return ConfirmResult("confirmed", subscription)


def subscription_welcome_mail_send(*, subscription_id: int, event_id: int) -> bool:
    """The welcome mail after confirmation (proof entry event_id). Safe to run twice. False: nothing sent."""
    subscription = Subscription.objects.select_related("newsletter", "contact").filter(pk=subscription_id).first()
    if subscription is None or subscription.state != State.CONFIRMED or subscription.contact_id is None:
        return False
    if _already_answered(subscription, event_id) or not mailable.address_may_be_mailed(subscription.contact.email):
        return False
    mail = mails.welcome_mail(newsletter=subscription.newsletter, language=subscription.language,
                              preferences_url=preferences_link(subscription))
    if mail is None:
        return False
    return _send(subscription=subscription, mail=mail, to_email=subscription.contact.email,
                 sent_kind=Kind.WELCOME_SENT, data={"for_event": event_id})


def pending_purge_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "NEWSLETTER_PENDING_PURGE_AFTER", 7 * 24 * 3600)))


@transaction.atomic
def subscriptions_purge_unconfirmed(*, now=None) -> dict:
    """Delete sign-ups never confirmed within NEWSLETTER_PENDING_PURGE_AFTER, with their proof entries, and
    queued sign-ups that could not be recorded in that time.
    A pending request of a known contact (it unsubscribed once, then signed up again) lapses back to
    unsubscribed instead, keeping its earlier proof. Returns counts only, and logs only counts; the deleted
    sign-ups stay in the report as a number per newsletter and week (PurgedSignupCount)."""
    cutoff = (now or timezone.now()) - pending_purge_after()
    stale = Subscription.objects.filter(state=State.PENDING, signed_up_at__lt=cutoff)
    lapsed = stale.filter(contact__isnull=False).update(state=State.UNSUBSCRIBED, confirmation_nonce="")
    doomed = stale.filter(contact__isnull=True)
    purged_sign_ups_count(subscriptions=doomed)
    _total, per_model = doomed.delete()
    # A queued sign-up no drain could record in that time holds an address and never will be recorded.
    unrecordable, _per_model = QueuedSignup.objects.filter(created_at__lt=cutoff).delete()
    counts = {"deleted": per_model.get(Subscription._meta.label, 0), "lapsed": lapsed,
              "unrecordable_dropped": unrecordable}
    logger.info("newsletter sign-ups purged: %s", counts)
    return counts
