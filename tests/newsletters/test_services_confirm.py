"""Confirmation links: single use, expiring, signed; and the purge of never-confirmed sign-ups."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsletters.models import Subscription, SubscriptionEvent
from newsletters.services.proof import RequestFacts
from newsletters.services.signup import (
    SignupRequest,
    subscription_confirm,
    subscription_request,
    subscriptions_purge_unconfirmed,
)
from newsletters.services.tokens import confirmation_token_make, preference_token_make
from outreach.models import Contact, SuppressionEntry, email_hash

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_for(newsletter):
    from newsletters.models import ConsentText

    def build(email="neu@example.org", **fields):
        return SignupRequest(newsletter=newsletter, email=email, language="de",
                             consent_text=ConsentText.objects.filter(kind="consent", language="de").first(),
                             privacy_notice=ConsentText.objects.filter(kind="privacy", language="de").first(),
                             **fields)
    return build


def token_of(subscription):
    return confirmation_token_make(subscription_id=subscription.pk, nonce=subscription.confirmation_nonce)


def test_confirm_creates_the_contact_and_is_idempotent(request_for):
    subscription = subscription_request(request=request_for(name="Nina Neu"), facts=RequestFacts())
    token = token_of(subscription)
    facts = RequestFacts(ip_address="2001:db8::1", user_agent="UA")
    first = subscription_confirm(token=token, facts=facts)
    second = subscription_confirm(token=token, facts=facts)
    assert (first.status, second.status) == ("confirmed", "already-confirmed")
    contact = Contact.objects.get(email="neu@example.org")
    assert (contact.first_name, contact.last_name, contact.legal_basis) == ("Nina", "Neu", "consent")
    subscription.refresh_from_db()
    assert subscription.contact == contact and subscription.confirmation_nonce == ""
    assert subscription.events.filter(kind=SubscriptionEvent.Kind.CONFIRMED).count() == 1


def test_an_older_link_stops_working_after_a_new_request(request_for):
    first = subscription_request(request=request_for(), facts=RequestFacts())
    old_token = token_of(first)
    second = subscription_request(request=request_for(), facts=RequestFacts())
    assert second.pk == first.pk
    assert subscription_confirm(token=old_token).status == "invalid"  # replayed: superseded
    assert subscription_confirm(token=token_of(second)).status == "confirmed"
    assert subscription_confirm(token=old_token).status == "invalid"


def test_expired_tampered_and_foreign_tokens_change_nothing(request_for, settings):
    subscription = subscription_request(request=request_for(), facts=RequestFacts())
    token = token_of(subscription)
    preference = preference_token_make(subscription_id=subscription.pk, preference_key=subscription.preference_key)
    other = subscription_request(request=request_for(email="andere@example.org"), facts=RequestFacts())
    forged = confirmation_token_make(subscription_id=subscription.pk, nonce=other.confirmation_nonce)
    assert subscription_confirm(token=token[:-2] + "xx").status == "invalid"
    assert subscription_confirm(token=preference).status == "invalid"  # another kind of token
    assert subscription_confirm(token=forged).status == "invalid"  # another person's nonce
    assert subscription_confirm(token="<script>").status == "invalid"
    settings.NEWSLETTER_CONFIRMATION_MAX_AGE = -1
    assert subscription_confirm(token=token).status == "expired"
    subscription.refresh_from_db()
    assert subscription.state == "pending" and not Contact.objects.filter(email="neu@example.org").exists()


def test_an_address_suppressed_meanwhile_is_never_confirmed(request_for):
    subscription = subscription_request(request=request_for(), facts=RequestFacts())
    SuppressionEntry.objects.create(email_hash=email_hash("neu@example.org"), reason="erasure")
    assert subscription_confirm(token=token_of(subscription)).status == "invalid"
    assert not Contact.objects.filter(email="neu@example.org").exists()


def test_unconfirmed_sign_ups_are_purged_and_only_counts_are_logged(request_for, caplog):
    stale = subscription_request(request=request_for(email="alt@example.org"), facts=RequestFacts())
    fresh = subscription_request(request=request_for(email="frisch@example.org"), facts=RequestFacts())
    Subscription.objects.filter(pk=stale.pk).update(signed_up_at=timezone.now() - timedelta(days=30))
    with caplog.at_level("INFO", logger="newsletters.services.signup"):
        counts = subscriptions_purge_unconfirmed()
    assert counts == {"deleted": 1, "lapsed": 0, "unrecordable_dropped": 0}
    assert not Subscription.objects.filter(pk=stale.pk).exists()
    assert not SubscriptionEvent.objects.filter(subscription_id=stale.pk).exists()
    assert Subscription.objects.filter(pk=fresh.pk).exists()
    assert "alt@example.org" not in caplog.text and "deleted" in caplog.text
