"""Subscribers from the contacts import: outreach's import target (outreach.mailable.register_import_target).

An officer who imports a list of existing subscribers picks a newsletter on the upload form. Each applied
batch then reaches subscriptions_attach_imported, inside the batch's transaction. With consent and its proof
(the import form asks for how, when and where it is kept) the people become confirmed subscribers, the
proof they came with kept as the first entry of each proof log. Without it they NEED_RECONFIRMATION: they
get no newsletter until they confirm a re-confirmation request (newsletters.services.reconfirmation).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from newsletters.models import Newsletter, Subscription, SubscriptionEvent
from outreach import mailable

Kind = SubscriptionEvent.Kind
State = Subscription.State


def newsletter_import_choices() -> list[tuple[str, str]]:
    """What the upload form offers: every newsletter, internal ones too (staff may add anyone they may mail)."""
    return [(newsletter.reference, _("Newsletter “%(name)s”") % {"name": newsletter.name()})
            for newsletter in Newsletter.objects.order_by("name_de")]


def _consent_at(consent: mailable.ImportedConsent) -> datetime.datetime:
    # The source gives a day; noon keeps it that day in every time zone the admin shows.
    return timezone.make_aware(datetime.datetime.combine(consent.consent_given_on, datetime.time(12)))


def _proof(consent: mailable.ImportedConsent, newsletter: Newsletter) -> dict:
    return {
        "import": consent.import_reference, "file": consent.filename, "newsletter": newsletter.reference,
        "legal_basis": consent.legal_basis, "consent_source": consent.consent_source,
        "consent_given_on": consent.consent_given_on.isoformat() if consent.consent_given_on else "",
        "consent_reference": consent.consent_reference, "consent_document": consent.has_consent_document,
    }


def subscriptions_attach_imported(newsletter_id: int, *, contact_ids: list[int],
                                  consent: mailable.ImportedConsent) -> dict[str, int]:
    """Subscribe a batch of imported contacts to the newsletter. Runs in the import batch's transaction.

    A contact without a subscription gets one: confirmed with the import's proof, or needing
    re-confirmation. A subscription needing re-confirmation becomes confirmed when a later import brings
    proof. Every other subscription is left alone: a confirmed one keeps its own proof, a pending sign-up
    waits for its owner, and one who unsubscribed is never brought back by an import. Safe to call twice
    (the second call finds the subscriptions). Returns counts.
    """
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    addresses = mailable.contact_addresses(contact_ids=contact_ids)
    existing = list(Subscription.objects.filter(newsletter=newsletter, contact_id__in=list(addresses))
                    .values_list("id", "contact_id", "state"))
    taken_contacts = {contact_id for _id, contact_id, _state in existing}
    # A pending sign-up names only its address (no contact yet): the address must not get a second row.
    taken_addresses = set(Subscription.objects.filter(newsletter=newsletter,
                                                      email__in=[email for email, _language in addresses.values()])
                          .values_list("email", flat=True))
    now = timezone.now()
    confirmed = consent.has_proof
    consent_at = _consent_at(consent) if confirmed else None
    created = Subscription.objects.bulk_create([
        Subscription(newsletter=newsletter, contact_id=contact_id, email=email,
                     language=newsletter.language_for(language),
                     state=State.CONFIRMED if confirmed else State.NEEDS_RECONFIRMATION,
                     signed_up_at=consent_at or now, confirmed_at=consent_at, confirmation_nonce="")
        for contact_id, (email, language) in addresses.items()
        if contact_id not in taken_contacts and email not in taken_addresses
    ])
    upgraded = []
    if confirmed:
        upgraded = [pk for pk, _contact_id, state in existing if state == State.NEEDS_RECONFIRMATION]
        Subscription.objects.filter(pk__in=upgraded).update(state=State.CONFIRMED, confirmed_at=consent_at,
                                                            confirmation_nonce="")
    proof = _proof(consent, newsletter)
    kind = Kind.IMPORTED if confirmed else Kind.IMPORTED_UNCONFIRMED
    SubscriptionEvent.objects.bulk_create(
        [SubscriptionEvent(subscription_id=subscription.pk, kind=kind, occurred_at=now, actor_id=consent.actor_id,
                           data={**proof, "email": subscription.email, "language": subscription.language})
         for subscription in created]
        + [SubscriptionEvent(subscription_id=pk, kind=Kind.IMPORTED, occurred_at=now, actor_id=consent.actor_id,
                             data=proof) for pk in upgraded]
    )
    if confirmed:
        subscribed = [subscription.contact_id for subscription in created] + [
            contact_id for pk, contact_id, _state in existing if pk in set(upgraded)]
        mailable.contact_timeline_record_many(contact_ids=subscribed, kind="subscribed",
                                              summary=newsletter.name("de"), subject=newsletter.reference,
                                              actor_id=consent.actor_id)
    return {"confirmed": len(created) if confirmed else 0, "needs_reconfirmation": 0 if confirmed else len(created),
            "upgraded": len(upgraded), "left_alone": len(addresses) - len(created) - len(upgraded)}
