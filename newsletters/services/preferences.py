"""The preference centre: what a subscriber changes through their personal link, and the scoped unsubscribe.

Every change is a proof entry. Unsubscribing here (or through a newsletter
mail's one-click link, via the scope registered in apps.py) ends this
newsletter only; "no more mail at all" goes on outreach's suppression list.
"""

import calendar
import json
from datetime import date

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletters.models import Subscription, SubscriptionEvent
from newsletters.services import links, mails
from newsletters.services.proof import NO_REQUEST, RequestFacts, subscription_event_record
from newsletters.services.signup import _send
from newsletters.services.tokens import TokenInvalid, confirmation_token_make, confirmation_token_read, \
    preference_token_read
from outreach import mailable

Kind = SubscriptionEvent.Kind
State = Subscription.State
ACTIVE = (State.CONFIRMED, State.PAUSED)


class LinkRevoked(TokenInvalid):
    """A genuine preference link whose key was replaced, or whose subscription (or person) is gone."""


def subscription_for_preference_token(token: str) -> Subscription:
    """The subscription a preference link is for. Raises TokenInvalid (LinkRevoked for revoked or erased)."""
    subscription_id, key = preference_token_read(token)
    subscription = (Subscription.objects.select_related("newsletter", "contact")
                    .filter(pk=subscription_id, contact__isnull=False).first())
    if subscription is None or subscription.preference_key != key:
        raise LinkRevoked("revoked or erased")
    return subscription


def _locked(subscription: Subscription) -> Subscription:
    return (Subscription.objects.select_for_update(of=("self",)).select_related("newsletter", "contact")
            .get(pk=subscription.pk))


def _ids(related) -> list[int]:
    return sorted(related.values_list("pk", flat=True))


@transaction.atomic
def subscription_preferences_update(*, subscription: Subscription, topic_ids: list[int], region_ids: list[int],
                                    language: str, facts: RequestFacts = NO_REQUEST, actor=None) -> bool:
    """Change topics, regions and language (each limited to what the newsletter offers). Returns whether
    anything changed; an unchanged form records nothing. Raises ValidationError for a choice not offered."""
    subscription = _locked(subscription)
    newsletter = subscription.newsletter
    offered_topics, offered_regions = set(_ids(newsletter.topics)), set(_ids(newsletter.regions))
    if not set(topic_ids) <= offered_topics or not set(region_ids) <= offered_regions:
        raise ValidationError(_("Choose only topics and regions this newsletter offers."))
    if language not in newsletter.languages:
        raise ValidationError(_("This newsletter is not sent in that language."))
    before = {"topics": _ids(subscription.topics), "regions": _ids(subscription.regions),
              "language": subscription.language}
    after = {"topics": sorted(set(topic_ids)), "regions": sorted(set(region_ids)), "language": language}
    if before == after:
        return False
    subscription.language = language
    subscription.save(update_fields=["language"])
    subscription.topics.set(after["topics"])
    subscription.regions.set(after["regions"])
    subscription_event_record(subscription=subscription, kind=Kind.PREFERENCES_CHANGED, facts=facts, actor=actor,
                              data={"before": before, "after": after})
    mailable.contact_timeline_record(contact_id=subscription.contact_id, kind="preferences-changed",
                                     summary=newsletter.name("de"), subject=newsletter.reference)
    return True


def _months_later(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def subscription_pause(*, subscription: Subscription, months: int, facts: RequestFacts = NO_REQUEST) -> date:
    """Pause for 1 to 3 months: no issues until then, after which mail resumes by itself. Returns the date."""
    if months not in (1, 2, 3):
        raise ValidationError(_("A pause lasts 1, 2 or 3 months."))
    subscription = _locked(subscription)
    if subscription.state not in ACTIVE:
        raise ValidationError(_("This subscription has ended; sign up again to receive the newsletter."))
    until = _months_later(timezone.localdate(), months)
    subscription.state, subscription.paused_until = State.PAUSED, until
    subscription.save(update_fields=["state", "paused_until"])
    subscription_event_record(subscription=subscription, kind=Kind.PAUSED, facts=facts,
                              data={"months": months, "until": until.isoformat()})
    return until


@transaction.atomic
def subscription_resume(*, subscription: Subscription, facts: RequestFacts = NO_REQUEST) -> None:
    subscription = _locked(subscription)
    if subscription.state == State.PAUSED:
        subscription.state, subscription.paused_until = State.CONFIRMED, None
        subscription.save(update_fields=["state", "paused_until"])
        subscription_event_record(subscription=subscription, kind=Kind.RESUMED, facts=facts)


def _end(subscription: Subscription, *, source: str, facts: RequestFacts, actor=None, about: str = "") -> bool:
    if subscription.state == State.UNSUBSCRIBED:
        return False
    subscription.state = State.UNSUBSCRIBED
    subscription.unsubscribed_at = timezone.now()
    subscription.paused_until = None
    subscription.confirmation_nonce = ""
    subscription.save(update_fields=["state", "unsubscribed_at", "paused_until", "confirmation_nonce"])
    subscription_event_record(subscription=subscription, kind=Kind.UNSUBSCRIBED, facts=facts, actor=actor,
                              data={"source": source, **({"about": about} if about else {})})
    return True


@transaction.atomic
def subscription_unsubscribe(*, subscription: Subscription, source: str = "preferences",
                             facts: RequestFacts = NO_REQUEST, actor=None) -> bool:
    """End this newsletter's subscription (other mail is not affected). Safe to call twice; True if it ended now."""
    subscription = _locked(subscription)
    ended = _end(subscription, source=source, facts=facts, actor=actor)
    if ended and subscription.contact_id:
        mailable.contact_timeline_record(contact_id=subscription.contact_id, kind="unsubscribed",
                                         summary=subscription.newsletter.name("de"),
                                         subject=subscription.newsletter.reference,
                                         data={"source": source, "scope": subscription.newsletter.reference})
    return ended


@transaction.atomic
def subscription_withdraw_everything(*, subscription: Subscription, facts: RequestFacts = NO_REQUEST) -> None:
    """No more mail of any kind: every subscription of the person ends and the address is suppressed globally."""
    subscription = _locked(subscription)
    for other in Subscription.objects.select_for_update().filter(contact_id=subscription.contact_id):
        _end(other, source="withdraw-all", facts=facts)
    subscription_event_record(subscription=subscription, kind=Kind.WITHDRAWN, facts=facts)
    mailable.contact_unsubscribe_everywhere(contact_id=subscription.contact_id,
                                            note=f"{subscription.newsletter.reference} (preference centre)")


def newsletter_scope_unsubscribe(newsletter_id: int, *, contact_id: int, source: str, about: str) -> bool:
    """outreach.mailable's scope handler: a one-click or footer unsubscribe of a newsletter mail ends only
    that newsletter's subscription. outreach records the timeline and the mailing's report itself.
    False when the contact holds no active subscription to it (outreach then unsubscribes globally)."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(
            newsletter_id=newsletter_id, contact_id=contact_id).first()
        if subscription is None:
            return False
        if subscription.state == State.UNSUBSCRIBED:
            return True  # ended before: still in scope, nothing new
        return _end(subscription, source=source, facts=NO_REQUEST, about=about)


@transaction.atomic
def subscription_links_revoke(*, subscription: Subscription, actor=None) -> None:
    """A new preference key: every preference link sent so far stops working (e.g. a forwarded mail)."""
    subscription = _locked(subscription)
    subscription.preference_key = Subscription._meta.get_field("preference_key").default()
    subscription.save(update_fields=["preference_key"])
    subscription_event_record(subscription=subscription, kind=Kind.LINKS_REVOKED, actor=actor)


def subscription_address_change_request(*, subscription: Subscription, new_email: str,
                                        facts: RequestFacts = NO_REQUEST) -> None:
    """Ask the new address to confirm; nothing changes until it does. The same answer whether or not the
    new address is known (a mail goes to it either way, unless it is suppressed)."""
    with transaction.atomic():
        subscription = _locked(subscription)
        if subscription.state not in ACTIVE:
            raise ValidationError(_("This subscription has ended; sign up again with the new address."))
        subscription.pending_email = new_email
        subscription.confirmation_nonce = Subscription._meta.get_field("confirmation_nonce").default()
        subscription.save(update_fields=["pending_email", "confirmation_nonce"])
        event = subscription_event_record(subscription=subscription, kind=Kind.ADDRESS_CHANGE_REQUESTED,
                                          facts=facts, data={"new_email": new_email,
                                                             "request": subscription.confirmation_nonce})
        from newsletters.tasks import subscription_address_mail_task

        transaction.on_commit(lambda: subscription_address_mail_task.delay(subscription.pk, event.pk))


def subscription_address_mail_send(*, subscription_id: int, event_id: int) -> bool:
    """The confirmation request to the new address (proof entry event_id). Safe to run twice."""
    subscription = Subscription.objects.select_related("newsletter").filter(pk=subscription_id).first()
    event = SubscriptionEvent.objects.filter(pk=event_id, subscription_id=subscription_id).first()
    if subscription is None or event is None or subscription.events.filter(data__for_event=event_id).exists():
        return False
    new_email = event.data.get("new_email", "")
    if (subscription.pending_email != new_email or subscription.confirmation_nonce != event.data.get("request")
            or not mailable.address_may_be_mailed(new_email)):
        return False
    token = confirmation_token_make(subscription_id=subscription.pk, nonce=subscription.confirmation_nonce,
                                    new_email=new_email)
    mail = mails.address_change_mail(newsletter=subscription.newsletter, language=subscription.language,
                                     url=links.address_confirmation_url(token, language=subscription.language))
    return _send(subscription=subscription, mail=mail, to_email=new_email, sent_kind=Kind.CONFIRMATION_SENT,
                 data={"for_event": event_id})


def subscription_address_confirm(*, token: str, facts: RequestFacts = NO_REQUEST) -> str:
    """The new address confirmed: the subscription moves to the Contact of that address (created if need be).
    Returns "confirmed", "already-confirmed", "expired", "invalid" or "taken" (the new address already
    holds a subscription to this newsletter: nothing moves)."""
    from newsletters.services.tokens import TokenExpired

    try:
        claim = confirmation_token_read(token, address_change=True)
    except TokenExpired:
        return "expired"
    except TokenInvalid:
        return "invalid"
    with transaction.atomic():
        subscription = (Subscription.objects.select_for_update(of=("self",)).select_related("newsletter", "contact")
                        .filter(pk=claim.subscription_id).first())
        if subscription is None:
            return "invalid"
        if subscription.confirmation_nonce != claim.nonce or subscription.pending_email != claim.new_email:
            done = subscription.events.filter(kind=Kind.ADDRESS_CHANGED, data__request=claim.nonce).exists()
            return "already-confirmed" if done else "invalid"
        if Subscription.objects.filter(newsletter=subscription.newsletter, contact__email=claim.new_email).exclude(
                pk=subscription.pk).exists():
            return "taken"
        try:
            contact_id = mailable.contact_for_address(
                email=claim.new_email, first_name=subscription.contact.first_name if subscription.contact else "",
                last_name=subscription.contact.last_name if subscription.contact else "",
                language=subscription.language, source=f"Newsletter address change (subscription #{subscription.pk})",
                consent_note=f"Confirmed as the new address of newsletter subscription #{subscription.pk}.")
        except ValidationError:
            return "invalid"
        old_email = subscription.email
        subscription.contact_id, subscription.email = contact_id, claim.new_email
        subscription.pending_email, subscription.confirmation_nonce = "", ""
        subscription.save(update_fields=["contact", "email", "pending_email", "confirmation_nonce"])
        subscription_event_record(subscription=subscription, kind=Kind.ADDRESS_CHANGED, facts=facts,
                                  data={"from": old_email, "to": claim.new_email, "request": claim.nonce})
        mailable.contact_timeline_record(contact_id=contact_id, kind="subscribed",
                                         summary=subscription.newsletter.name("de"),
                                         subject=subscription.newsletter.reference,
                                         data={"subscription": subscription.pk, "address_change_from": old_email})
    return "confirmed"


def subscription_proof(*, subscription: Subscription) -> dict:
    """The proof for one subscription as plain data: what was agreed to, and every log entry."""
    def text(consent):
        if consent is None:
            return None
        return {"kind": consent.kind, "language": consent.language, "version": consent.version,
                "text": consent.text, "url": consent.url, "created_at": consent.created_at.isoformat()}

    return {
        "newsletter": subscription.newsletter.name("de"), "address": subscription.email,
        "state": subscription.state, "language": subscription.language,
        "topics": [topic.name for topic in subscription.topics.all()],
        "regions": [region.title for region in subscription.regions.all()],
        "signed_up_at": subscription.signed_up_at, "confirmed_at": subscription.confirmed_at,
        "unsubscribed_at": subscription.unsubscribed_at, "paused_until": subscription.paused_until,
        "consent_text": text(subscription.consent_text), "privacy_notice": text(subscription.privacy_notice),
        "log": [
            {"event": event.kind, "event_display": str(event.get_kind_display()), "at": event.occurred_at,
             "ip_address": event.ip_address, "user_agent": event.user_agent, "form_url": event.form_url,
             "by_staff": str(event.actor) if event.actor else None, "details": event.data}
            for event in subscription.events.select_related("actor")
        ],
    }


def subscription_export_request(*, subscription: Subscription) -> None:
    """Queue the data export by mail (to the confirmed address only, so a forwarded link discloses nothing)."""
    from newsletters.tasks import subscription_export_mail_task

    transaction.on_commit(lambda: subscription_export_mail_task.delay(subscription.pk))


def subscription_export_send(*, subscription_id: int) -> bool:
    """Mail the person everything held about their address (subscriptions with proof, and outreach's
    contact record) as a JSON attachment, to the confirmed address only. Logged as an export."""
    subscription = Subscription.objects.select_related("newsletter", "contact").filter(
        pk=subscription_id, contact__isnull=False).first()
    if subscription is None or not mailable.address_may_be_mailed(subscription.contact.email):
        return False
    data = {
        "subscriptions": [subscription_proof(subscription=each) for each in Subscription.objects.filter(
            contact_id=subscription.contact_id).select_related("newsletter", "consent_text", "privacy_notice")],
        "contact": mailable.contact_personal_data(contact_id=subscription.contact_id),
    }
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
    mail = mails.export_mail(newsletter=subscription.newsletter, language=subscription.language)
    return _send(subscription=subscription, mail=mail, to_email=subscription.contact.email,
                 sent_kind=Kind.EXPORT_SENT, data={}, attachments=[("data-export.json", content, "application/json")])
