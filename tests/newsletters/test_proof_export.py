"""The consent proof of one address for the data protection officer: JSON and a printable page, linked from
the contact's page; press office and administrators only."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from newsletters.models import ConsentText, Subscription, SubscriptionEvent
from newsletters.services.consent import consent_text_create
from newsletters.services.preferences import subscription_preferences_update, subscription_unsubscribe
from newsletters.services.proof import RequestFacts, subscription_event_record
from newsletters.services.roles import newsletter_roles_ensure

pytestmark = pytest.mark.django_db
Kind = SubscriptionEvent.Kind


@pytest.fixture
def press_client(client, django_user_model, demo_newsletters):
    from outreach.services.roles import press_office_group_ensure

    user = django_user_model.objects.create_user("presse-proof", "pp@example.org", "pw-for-tests-only")
    user.groups.add(newsletter_roles_ensure(), press_office_group_ensure())
    client.force_login(user)
    return client


@pytest.fixture
def lena(demo_newsletters):
    """Lena's subscription to "Zukunft der Industrie": she signed up again under a newer consent text (v2),
    changed her topics, then left; her regional newsletter subscription goes on."""
    subscription = Subscription.objects.get(email="lena.hoffmann@example.org", newsletter__slug="zukunft-der-industrie")
    v2 = consent_text_create(kind="consent", language="de", text="Zweite Fassung: Ja, ich will.")
    subscription_event_record(subscription=subscription, kind=Kind.SIGNED_UP_AGAIN,
                              facts=RequestFacts(ip_address="203.0.113.5", user_agent="Firefox/140",
                                                 form_url="https://www.example.org/nl"),
                              data={"consent_text": {"id": v2.pk, "version": v2.version}})
    topic = subscription.newsletter.topics.order_by("pk").last()
    subscription_preferences_update(subscription=subscription, topic_ids=[topic.pk], region_ids=[],
                                    language="de")
    subscription_unsubscribe(subscription=subscription, source="preferences")
    return subscription


def urls(contact_id):
    return (reverse("newsletters_subscriptions:address_proof", args=[contact_id]),
            reverse("newsletters_subscriptions:address_proof_print", args=[contact_id]))


def test_json_holds_every_subscription_with_its_log_and_the_texts_word_for_word(press_client, lena):
    from outreach.models import ActivityEvent, ExportLog

    json_url, _print_url = urls(lena.contact_id)
    response = press_client.get(json_url)
    log = ExportLog.objects.latest("exported_at")
    assert log.file_format == "json" and log.row_count == 2 and str(lena.contact_id) in log.description
    assert "lena" not in log.description  # the log outlives an erasure
    assert ActivityEvent.objects.filter(contact_id=lena.contact_id, kind=ActivityEvent.Kind.EXPORTED).exists()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["address"] == "lena.hoffmann@example.org"
    by_newsletter = {item["newsletter"]: item for item in data["subscriptions"]}
    assert set(by_newsletter) == {"Zukunft der Industrie", "Industriedialog Baden-Württemberg"}
    zukunft = by_newsletter["Zukunft der Industrie"]
    assert [entry["event"] for entry in zukunft["log"]] == [
        "signed-up", "confirmation-sent", "confirmed", "signed-up-again", "preferences-changed", "unsubscribed"]
    assert zukunft["log"][0]["ip_address"] == "192.0.2.10" and zukunft["log"][0]["form_url"]
    shown = {(text["kind"], text["version"]): text["text"] for text in zukunft["texts_shown"]}
    assert shown[("consent", 1)].startswith("Ja, ich möchte den Newsletter")
    assert shown[("consent", 2)] == "Zweite Fassung: Ja, ich will."
    assert ("privacy", 1) in shown


def test_the_print_page_in_german_shows_the_proof_and_prints_as_a_document(press_client, lena, settings):
    _json_url, print_url = urls(lena.contact_id)
    response = press_client.get(print_url, HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="de">' in html
    assert "Nachweis der Einwilligung in Newsletter" in html and "Drucken oder als PDF speichern" in html
    assert "192.0.2.10" in html and "203.0.113.5" in html and "Firefox/140" in html
    assert "Zweite Fassung: Ja, ich will." in html and "Ja, ich möchte den Newsletter" in html
    section = re.search(rf'data-subscription="{lena.pk}"(.*?)</section>', html, re.S).group(1)
    assert 'data-event="unsubscribed"' in section and 'data-event="preferences-changed"' in section
    assert "<script>" not in html and "newsletters/proof.js" in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("newsletters/proof.css")).read()
    assert "@media print" in css and "display: none" in css.split("@media print")[1]


def test_the_page_follows_the_admin_users_language(client, django_user_model, lena):
    from outreach.services.roles import press_office_group_ensure

    user = django_user_model.objects.create_user("press-en", "pen@example.org", "pw-for-tests-only")
    user.groups.add(newsletter_roles_ensure(), press_office_group_ensure())
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    html = client.get(urls(lena.contact_id)[1], HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en">' in html and "Proof of consent to newsletters" in html


def test_the_contact_page_links_to_the_proof(press_client, lena):
    json_url, print_url = urls(lena.contact_id)
    html = press_client.get(reverse("outreach_contacts:inspect", args=[lena.contact_id])).content.decode()
    assert json_url in html and print_url in html


def test_editors_with_newsletter_rights_and_partners_are_refused(client, django_user_model, lena):
    from cms.models import InitiativePage
    from cms.services.roles import editors_group_ensure, initiative_partner_group_ensure

    editor = django_user_model.objects.create_user("red-proof", "rp@example.org", "pw-for-tests-only")
    editor.groups.add(editors_group_ensure())
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="newsletters",
                                                           codename__startswith="view_"))
    partner = django_user_model.objects.create_user("partner-proof", "pap@example.org", "pw-for-tests-only")
    partner.groups.add(initiative_partner_group_ensure(
        initiative=InitiativePage.objects.filter(locale__language_code="de").first()))
    for user in (editor, partner):
        client.force_login(user)
        for url in urls(lena.contact_id):
            assert client.get(url).status_code in (302, 403)


def test_html_in_a_name_is_escaped(press_client, newsletter):
    from outreach import mailable

    contact_id = mailable.contact_for_address(email="xss@example.org")
    Subscription.objects.create(newsletter=newsletter, email="xss@example.org", contact_id=contact_id,
                                name="<script>alert(1)</script>", signed_up_at=timezone.now(),
                                state=Subscription.State.CONFIRMED)
    html = press_client.get(urls(contact_id)[1]).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert ConsentText.objects.exists()
