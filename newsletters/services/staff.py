"""Staff adding a subscriber by hand: for an internal newsletter, or for someone who consented on paper.

Either the consent is documented (the staff member states how and when it
was given; the subscription is confirmed at once and the proof log names the
staff member and the note), or the person gets the ordinary double opt-in
mail and is subscribed only once they confirm. An address on the suppression
list (objection, erasure, unsubscribe from everything, bounce...) is refused
with its reason: staff must never override a person's objection unawares.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletters.models import ConsentText, Newsletter, Subscription, SubscriptionEvent
from newsletters.selectors import consent_text_current
from newsletters.services.proof import NO_REQUEST, subscription_event_record
from newsletters.services.signup import SignupRequest, subscription_request
from outreach import mailable

Kind = SubscriptionEvent.Kind
State = Subscription.State
PROOF_NOTE_MIN_LENGTH = 10


class StaffAddMode:
    DOCUMENTED = "documented"
    CONFIRMATION = "confirmation"


@dataclass(frozen=True)
class StaffSubscription:
    newsletter: Newsletter
    email: str  # normalised by the caller (the admin form)
    mode: str
    proof_note: str
    name: str = ""
    language: str = "de"
    topic_ids: tuple[int, ...] = ()
    region_ids: tuple[int, ...] = ()
    consent_given_on: date | None = None


@dataclass(frozen=True)
class StaffAddResult:
    # "confirmed" (documented consent), "confirmation-requested" (mail queued), "already-subscribed" (nothing changed)
    status: str
    subscription: Subscription
    messages: list[str] = field(default_factory=list)


def _check(request: StaffSubscription) -> None:
    """ValidationError with a message per field for what cannot be accepted, the suppression reason included."""
    errors = {}
    newsletter = request.newsletter
    if len(request.proof_note.strip()) < PROOF_NOTE_MIN_LENGTH:
        errors["proof_note"] = _("Say how and when the person gave their consent (at least %(count)s characters).") % {
            "count": PROOF_NOTE_MIN_LENGTH}
    if request.mode not in (StaffAddMode.DOCUMENTED, StaffAddMode.CONFIRMATION):
        errors["mode"] = _("Choose how the subscription comes about.")
    if request.mode == StaffAddMode.DOCUMENTED:
        if request.consent_given_on is None:
            errors["consent_given_on"] = _("Give the date on which the consent was given.")
        elif request.consent_given_on > timezone.localdate():
            errors["consent_given_on"] = _("The consent cannot have been given in the future.")
    if not set(request.topic_ids) <= set(newsletter.topics.values_list("pk", flat=True)):
        errors["topics"] = _("Choose only topics this newsletter offers.")
    if not set(request.region_ids) <= set(newsletter.regions.values_list("pk", flat=True)):
        errors["regions"] = _("Choose only regions this newsletter offers.")
    if request.language not in newsletter.languages:
        errors["language"] = _("This newsletter is not sent in that language.")
    reason = mailable.address_suppression_reason(request.email)
    if reason:
        errors["email"] = _("This address is on the suppression list (%(reason)s) and must not be subscribed. "
                            "Only the person can lift that, e.g. by withdrawing the objection in writing; "
                            "see the suppression list.") % {"reason": reason}
    if errors:
        raise ValidationError(errors)


def _existing(newsletter: Newsletter, email: str) -> Subscription | None:
    return (Subscription.objects.select_for_update(of=("self",)).filter(newsletter=newsletter, email=email).first()
            or Subscription.objects.select_for_update(of=("self",)).filter(newsletter=newsletter,
                                                                           contact__email=email).first())


@transaction.atomic
def subscription_add_by_staff(*, request: StaffSubscription, actor) -> StaffAddResult:
    """Add one address to a newsletter on behalf of its owner. Raises ValidationError (per field) for a
    missing proof note, choices the newsletter does not offer, or a suppressed address.

    Safe to call twice: a confirmed or paused subscriber is left as they are ("already-subscribed"); a
    second confirmation request renews the first (older links stop working), as a repeated sign-up does.
    """
    _check(request)
    newsletter = request.newsletter
    note = request.proof_note.strip()
    staff_details = {"source": "staff", "mode": request.mode, "proof_note": note,
                     "consent_given_on": request.consent_given_on.isoformat() if request.consent_given_on else None}
    existing = _existing(newsletter, request.email)
    if existing is not None and existing.state in (State.CONFIRMED, State.PAUSED):
        return StaffAddResult("already-subscribed", existing)
    if request.mode == StaffAddMode.CONFIRMATION:
        return StaffAddResult("confirmation-requested", _request_confirmation(request, actor, staff_details))
    return StaffAddResult("confirmed", _confirm_documented(request, actor, staff_details, existing))


def _request_confirmation(request: StaffSubscription, actor, staff_details: dict) -> Subscription:
    language = request.newsletter.language_for(request.language)
    consent = consent_text_current(kind=ConsentText.Kind.CONSENT, language=language)
    privacy = consent_text_current(kind=ConsentText.Kind.PRIVACY, language=language)
    if consent is None or privacy is None:
        raise ValidationError(_("There is no consent text or privacy notice in this language yet; add them "
                                "under Newsletters → Consent texts first."))
    signup = SignupRequest(newsletter=request.newsletter, email=request.email, language=language,
                           consent_text=consent, privacy_notice=privacy, name=request.name,
                           topic_ids=tuple(sorted(request.topic_ids)), region_ids=tuple(sorted(request.region_ids)))
    return subscription_request(request=signup, facts=NO_REQUEST, actor=actor, extra_details=staff_details)


def _confirm_documented(request: StaffSubscription, actor, staff_details: dict,
                        subscription: Subscription | None) -> Subscription:
    newsletter = request.newsletter
    language = newsletter.language_for(request.language)
    first, _space, last = request.name.partition(" ")
    contact_id = mailable.contact_for_address(
        email=request.email, first_name=first, last_name=last, language=language,
        source=_("Added by staff to the newsletter “%(name)s”") % {"name": newsletter.name("de")},
        consent_note=f"{staff_details['consent_given_on']}: {staff_details['proof_note']}")
    now = timezone.now()
    if subscription is None:
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(newsletter=newsletter, email=request.email,
                                                           signed_up_at=now, language=language)
        except IntegrityError:  # the same address added at the same moment: take the other row
            subscription = _existing(newsletter, request.email)
    nonce = Subscription._meta.get_field("confirmation_nonce").default()
    subscription.contact_id = contact_id
    subscription.name = request.name
    subscription.language = language
    subscription.state = State.CONFIRMED
    subscription.signed_up_at = now
    subscription.confirmed_at = now
    subscription.unsubscribed_at = None
    subscription.paused_until = None
    # No text was shown on a web form: the note says what the person agreed to.
    subscription.consent_text = subscription.privacy_notice = None
    subscription.confirmation_nonce = ""
    subscription.save()
    subscription.topics.set(request.topic_ids)
    subscription.regions.set(request.region_ids)
    details = {**staff_details, "email": request.email, "newsletter": newsletter.reference, "language": language,
               "topics": sorted(request.topic_ids), "regions": sorted(request.region_ids), "request": nonce}
    subscription_event_record(subscription=subscription, kind=Kind.SIGNED_UP, actor=actor, data=details,
                              occurred_at=now)
    confirmed = {"request": nonce, "source": "staff", "proof_note": staff_details["proof_note"],
                 "consent_given_on": staff_details["consent_given_on"]}
    event = subscription_event_record(subscription=subscription, kind=Kind.CONFIRMED, actor=actor, occurred_at=now,
                                      data=confirmed)
    mailable.contact_timeline_record(contact_id=contact_id, kind="subscribed", summary=newsletter.name("de"),
                                     subject=newsletter.reference,
                                     data={"subscription": subscription.pk, "by_staff": actor.pk if actor else None})
    if newsletter.localised("welcome_text", language).strip():
        from newsletters.tasks import subscription_welcome_mail_task

        transaction.on_commit(lambda: subscription_welcome_mail_task.delay(subscription.pk, event.pk))
    return subscription
