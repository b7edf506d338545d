"""Staff adding a subscriber by hand through the real admin view: documented consent, or the ordinary
double opt-in mail; never a suppressed address without saying so."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Subscription, SubscriptionEvent
from newsletters.selectors_reports import newsletter_growth
from tests.newsletters.conftest import link_in

pytestmark = pytest.mark.django_db
Kind = SubscriptionEvent.Kind
URL = reverse("newsletters_subscriptions:add_by_staff")
NOTE = "Unterschriebenes Anmeldeformular am Messestand, Hannover Messe; abgelegt im Ordner Presse 2026."


def form(newsletter, **overrides):
    values = {"newsletter": newsletter.pk, "email": "Papier.Person@Example.org", "name": "Paula Papier",
              "language": "de", "topics": [newsletter.topics.order_by("pk").first().pk], "regions": [],
              "mode": "documented", "consent_given_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
              "proof_note": NOTE}
    values.update(overrides)
    return values


def test_documented_consent_confirms_at_once_with_staff_and_note_in_the_proof(
        press_client, press_user, newsletter, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = press_client.post(URL, form(newsletter), HTTP_ACCEPT_LANGUAGE="de")
    subscription = Subscription.objects.get(newsletter=newsletter, email="papier.person@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletters_subscriptions:inspect", args=[subscription.pk])
    assert subscription.state == "confirmed" and subscription.contact is not None and subscription.confirmed_at
    assert list(subscription.topics.all()) == [newsletter.topics.order_by("pk").first()]
    events = list(subscription.events.all())
    assert [event.kind for event in events][:2] == [Kind.SIGNED_UP, Kind.CONFIRMED]
    assert all(event.actor == press_user for event in events[:2])
    assert events[0].data["proof_note"] == NOTE and events[0].data["mode"] == "documented"
    assert events[0].data["consent_given_on"] == (timezone.localdate() - timedelta(days=3)).isoformat()
    # The welcome mail, not a confirmation request: the consent is documented.
    [welcome] = eager.to("papier.person@example.org")
    assert "Willkommen" in welcome["Subject"]
    # The report counts it as a sign-up confirmed in this week.
    this_week = newsletter_growth(newsletter=newsletter, weeks=1)[0]
    assert this_week.sign_ups_confirmed == this_week.sign_ups
    page = press_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert NOTE in page and "presse-staff" in page


@pytest.mark.parametrize("field, value, message", [
    ("proof_note", "", "Dieses Feld muss ausgefüllt werden."),
    ("proof_note", "Papier", "Geben Sie an, wie und wann"),
    ("consent_given_on", "", "Datum"),
    ("consent_given_on", (date.today() + timedelta(days=30)).isoformat(), "Zukunft"),
])
def test_a_documented_consent_needs_a_note_and_a_date(press_client, newsletter, field, value, message):
    response = press_client.post(URL, form(newsletter, **{field: value}), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400 and message in response.content.decode()
    assert not Subscription.objects.filter(email="papier.person@example.org").exists()


def test_a_suppressed_address_is_refused_and_the_reason_is_named(press_client, newsletter):
    from outreach.models import SuppressionEntry
    from outreach.services.contacts import email_suppress

    email_suppress(email="papier.person@example.org", reason=SuppressionEntry.Reason.OBJECTION, note="Brief")
    for mode in ("documented", "confirmation"):
        response = press_client.post(URL, form(newsletter, mode=mode), HTTP_ACCEPT_LANGUAGE="de")
        html = response.content.decode()
        assert response.status_code == 400 and "Sperrliste" in html and "Widerspruch" in html
    assert not Subscription.objects.filter(email="papier.person@example.org").exists()


def test_an_existing_subscriber_is_left_as_they_are(press_client, newsletter):
    lena = Subscription.objects.get(newsletter=newsletter, email="lena.hoffmann@example.org")
    before = lena.events.count()
    response = press_client.post(URL, form(newsletter, email="lena.hoffmann@example.org"), HTTP_ACCEPT_LANGUAGE="de",
                                 follow=True)
    assert "nichts geändert" in response.content.decode()
    assert lena.events.count() == before


def test_topics_the_newsletter_does_not_offer_are_refused(press_client, demo_newsletters):
    regional = demo_newsletters["industriedialog-baden-wuerttemberg"]
    foreign = demo_newsletters["zukunft-der-industrie"].topics.exclude(
        pk__in=regional.topics.values("pk")).first()
    response = press_client.post(URL, form(regional, topics=[foreign.pk]), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert not Subscription.objects.filter(email="papier.person@example.org").exists()


def test_a_confirmation_request_for_an_internal_newsletter_goes_out_and_confirms(
        client, press_client, press_user, newsletter, eager, django_capture_on_commit_callbacks):
    newsletter.is_public = False
    newsletter.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = press_client.post(URL, form(newsletter, mode="confirmation", consent_given_on=""),
                                     HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302
    subscription = Subscription.objects.get(newsletter=newsletter, email="papier.person@example.org")
    assert subscription.state == "pending" and subscription.contact is None
    sign_up = subscription.events.get(kind=Kind.SIGNED_UP)
    assert sign_up.actor == press_user and sign_up.data["proof_note"] == NOTE
    [mail] = eager.to("papier.person@example.org")
    assert "Bitte bestätigen" in mail["Subject"]
    link = link_in(mail, r"https?://\S+/newsletter/confirm/\S+")
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(re.sub(r"^https?://[^/]+", "", link), {"lang": "de"})
    assert confirmed.status_code == 200 and "bestätigt" in confirmed.content.decode()
    assert Subscription.objects.get(pk=subscription.pk).state == "confirmed"


def test_the_subscriptions_list_offers_it_only_to_who_may(press_client, client, django_user_model, newsletter):
    index = reverse("newsletters_subscriptions:index")
    assert URL in press_client.get(index).content.decode()
    from cms.services.roles import editors_group_ensure

    editor = django_user_model.objects.create_user("red-staff", "rs@example.org", "pw-for-tests-only")
    editor.groups.add(editors_group_ensure())
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="newsletters",
                                                           codename__startswith="view_"))
    client.force_login(editor)
    assert URL not in client.get(index).content.decode()
    assert client.get(URL).status_code in (302, 403)
    assert client.post(URL, form(newsletter)).status_code in (302, 403)
    assert not Subscription.objects.filter(email="papier.person@example.org").exists()


def test_the_form_is_german_and_comes_preset_from_the_newsletter_list(press_client, newsletter):
    listing = press_client.get(reverse("newsletters_newsletters:index"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f"{URL}?newsletter={newsletter.pk}" in listing
    html = press_client.get(URL, {"newsletter": newsletter.pk}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    for text in ("Abonnentin/Abonnenten hinzufügen", "Nachweisnotiz", "Einwilligung erteilt am",
                 "Bestätigt mit dokumentierter Einwilligung", "Bitte um Bestätigung schicken", "Sperrliste"):
        assert text in html, text
    assert re.search(rf'<option value="{newsletter.pk}" selected>', html)
