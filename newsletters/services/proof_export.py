"""The consent proof of one address, for the data protection officer: every subscription with its full log.

One structure feeds the JSON file and the printable page, so both always say the same.
Reads only; the views record each hand-out in outreach's export log
(outreach.mailable.personal_data_handed_out).
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from newsletters.models import ConsentText, Subscription, SubscriptionEvent
from newsletters.services.preferences import subscription_proof

Kind = SubscriptionEvent.Kind
ENDING_KINDS = (Kind.UNSUBSCRIBED, Kind.WITHDRAWN)


@dataclass
class SubscriptionProof:
    subscription: Subscription
    events: list[SubscriptionEvent]
    # Every version of the consent text and privacy notice this subscription was shown, with its words.
    texts: list[ConsentText] = field(default_factory=list)

    def _latest(self, *kinds) -> SubscriptionEvent | None:
        found = [event for event in self.events if event.kind in kinds]
        return found[-1] if found else None

    @property
    def sign_up(self):
        return self._latest(Kind.SIGNED_UP)

    @property
    def confirmation_mail(self):
        return self._latest(Kind.CONFIRMATION_SENT)

    @property
    def confirmation(self):
        return self._latest(Kind.CONFIRMED)

    @property
    def preference_changes(self):
        return [event for event in self.events
                if event.kind in (Kind.PREFERENCES_CHANGED, Kind.PAUSED, Kind.RESUMED, Kind.ADDRESS_CHANGED)]

    @property
    def ending(self):
        return self._latest(*ENDING_KINDS)


@dataclass
class AddressProof:
    address: str
    generated_at: object
    subscriptions: list[SubscriptionProof]


def _text_ids(subscription: Subscription, events: list[SubscriptionEvent]) -> set[int]:
    ids = {subscription.consent_text_id, subscription.privacy_notice_id}
    for event in events:
        for key in ("consent_text", "privacy_notice"):
            reference = event.data.get(key) if isinstance(event.data, dict) else None
            if isinstance(reference, dict) and isinstance(reference.get("id"), int):
                ids.add(reference["id"])
    return {pk for pk in ids if pk}


def address_proof(*, contact_id: int, email: str) -> AddressProof:
    """The subscriptions of the contact, and those still pending for its address (a pending sign-up names
    the address only), each with its whole log and the texts shown. A fixed number of queries."""
    subscriptions = list(
        Subscription.objects.filter(Q(contact_id=contact_id) | Q(email__iexact=email, contact__isnull=True))
        .select_related("newsletter", "consent_text", "privacy_notice")
        .prefetch_related("topics", "regions", "events__actor").order_by("newsletter__name_de", "pk"))
    proofs = [SubscriptionProof(subscription=s, events=list(s.events.all())) for s in subscriptions]
    wanted = set().union(*(_text_ids(p.subscription, p.events) for p in proofs)) if proofs else set()
    texts = ConsentText.objects.in_bulk(wanted)
    for proof in proofs:
        proof.texts = sorted((texts[pk] for pk in _text_ids(proof.subscription, proof.events) if pk in texts),
                             key=lambda text: (text.kind, text.language, text.version))
    return AddressProof(address=email, generated_at=timezone.now(), subscriptions=proofs)


def address_proof_data(proof: AddressProof) -> dict:
    """The proof as plain data for the JSON file: subscription_proof per subscription (as the preference
    centre's export has it) plus every text version shown, word for word."""
    return {
        "address": proof.address,
        "generated_at": proof.generated_at,
        "subscriptions": [
            {**subscription_proof(subscription=item.subscription),
             "texts_shown": [{"kind": text.kind, "language": text.language, "version": text.version,
                              "text": text.text, "url": text.url, "created_at": text.created_at}
                             for text in item.texts]}
            for item in proof.subscriptions
        ],
    }
