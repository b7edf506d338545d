"""The preference centre through its JSON API and its page: signed, revocable personal links."""

import pytest

from newsletters.models import Subscription, SubscriptionEvent
from newsletters.services.preferences import subscription_links_revoke
from newsletters.services.tokens import preference_token_make
from outreach.models import ActivityEvent, Contact, SuppressionEntry

pytestmark = pytest.mark.django_db
Kind = SubscriptionEvent.Kind


@pytest.fixture
def subscription(newsletter):
    return Subscription.objects.get(newsletter=newsletter, email="jonas.weber@example.org")


def token_of(subscription):
    return preference_token_make(subscription_id=subscription.pk, preference_key=subscription.preference_key)


def api(token, action=""):
    return f"/api/newsletters/preferences/{token}/{action + '/' if action else ''}"


def test_read_and_change_topics_and_language(client, subscription, newsletter):
    token = token_of(subscription)
    body = client.get(api(token)).json()
    assert body["email"] == "jonas.weber@example.org" and body["state"] == "confirmed"
    topic = newsletter.topics.order_by("pk").last()
    response = client.put(api(token), {"language": "en", "topics": [topic.pk]}, content_type="application/json")
    assert response.status_code == 200 and response.json()["topics"] == [topic.pk]
    assert subscription.events.filter(kind=Kind.PREFERENCES_CHANGED).count() == 1
    assert ActivityEvent.objects.filter(contact=subscription.contact, kind="preferences-changed").exists()
    offered_elsewhere = client.put(api(token), {"language": "en", "topics": [2147483000]},
                                   content_type="application/json")
    assert offered_elsewhere.status_code == 400


def test_pause_for_one_to_three_months(client, subscription):
    token = token_of(subscription)
    assert client.post(api(token, "pause"), {"months": 4}, content_type="application/json").status_code == 400
    response = client.post(api(token, "pause"), {"months": 2}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "paused"
    from newsletters.selectors import newsletter_confirmed_contact_ids

    assert subscription.contact_id not in set(newsletter_confirmed_contact_ids(subscription.newsletter_id))
    client.post(api(token, "resume"), content_type="application/json")
    assert subscription.contact_id in set(newsletter_confirmed_contact_ids(subscription.newsletter_id))


def test_unsubscribe_from_this_newsletter_only_or_from_everything(client, demo_newsletters):
    lena = Contact.objects.get(email="lena.hoffmann@example.org")
    national, regional = (Subscription.objects.get(contact=lena, newsletter=demo_newsletters[slug])
                          for slug in ("zukunft-der-industrie", "industriedialog-baden-wuerttemberg"))
    client.post(api(token_of(national), "unsubscribe"), {"scope": "newsletter"}, content_type="application/json")
    national.refresh_from_db(), regional.refresh_from_db()
    assert (national.state, regional.state) == ("unsubscribed", "confirmed")
    assert not SuppressionEntry.objects.filter(email_hash=lena.email_hash).exists()
    client.post(api(token_of(regional), "unsubscribe"), {"scope": "all"}, content_type="application/json")
    regional.refresh_from_db()
    assert regional.state == "unsubscribed"
    assert SuppressionEntry.objects.get(email_hash=lena.email_hash).reason == "unsubscribe"
    assert regional.events.filter(kind=Kind.WITHDRAWN).exists()


def test_address_change_takes_effect_only_after_the_new_address_confirms(client, subscription, eager,
                                                                         django_capture_on_commit_callbacks):
    token = token_of(subscription)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(api(token, "address"), {"email": "Jonas.Neu@Example.org"},
                               content_type="application/json")
    assert response.status_code == 202
    subscription.refresh_from_db()
    assert subscription.email == "jonas.weber@example.org" and subscription.pending_email == "jonas.neu@example.org"
    [mail] = eager.to("jonas.neu@example.org")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    confirm_token = text.split("/newsletter/confirm-address/")[1].split("/")[0]
    assert client.post("/api/newsletters/confirm/", {"token": confirm_token},
                       content_type="application/json").json()["status"] == "invalid"  # not a sign-up token
    answer = client.post("/api/newsletters/confirm-address/", {"token": confirm_token},
                         content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "confirmed"
    subscription.refresh_from_db()
    assert subscription.email == "jonas.neu@example.org"
    assert subscription.contact == Contact.objects.get(email="jonas.neu@example.org")
    assert client.post("/api/newsletters/confirm-address/", {"token": confirm_token},
                       content_type="application/json").json()["status"] == "already-confirmed"


def test_data_export_is_mailed_to_the_confirmed_address(client, subscription, eager,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(api(token_of(subscription), "export"), content_type="application/json").status_code == 202
    [mail] = eager.to("jonas.weber@example.org")
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "data-export.json"
    assert b'"consent_text"' in attachment.get_content()
    assert subscription.events.filter(kind=Kind.EXPORT_SENT).exists()


def test_revoked_tampered_and_erased_links_are_404(client, subscription):
    from outreach.services.contacts import contact_erase

    token = token_of(subscription)
    assert client.get(api(token[:-3] + "abc")).status_code == 404
    subscription_links_revoke(subscription=subscription)
    assert client.get(api(token)).status_code == 404
    assert client.get(f"/newsletter/preferences/{token}/").status_code == 404
    fresh = token_of(Subscription.objects.get(pk=subscription.pk))
    assert client.get(api(fresh)).status_code == 200
    contact_erase(contact=subscription.contact)
    assert client.get(api(fresh)).status_code == 404  # the person is gone, and so is the subscription
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


def test_the_preference_page_works_without_javascript(client, subscription):
    token = token_of(subscription)
    page = client.get(f"/newsletter/preferences/{token}/?lang=en")
    html = page.content.decode()
    assert page.status_code == 200 and "<script" not in html and "onclick" not in html
    assert page["Cache-Control"].startswith("max-age=0") and page["Referrer-Policy"] == "same-origin"
    response = client.post(f"/newsletter/preferences/{token}/", {"action": "pause", "months": "1", "lang": "en"})
    assert response.status_code == 200 and "Paused until" in response.content.decode()
