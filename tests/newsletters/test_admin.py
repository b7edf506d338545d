"""The newsletters admin (German) and the proof on the contact's page."""

import pytest
from django.urls import reverse

from newsletters.models import ConsentText, Subscription
from newsletters.services.roles import newsletter_roles_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def press_client(client, django_user_model, demo_newsletters):
    user = django_user_model.objects.create_user("presse-nl", "p@example.org", "pw-for-tests-only")
    user.groups.add(newsletter_roles_ensure())
    from outreach.services.roles import press_office_group_ensure

    user.groups.add(press_office_group_ensure())
    client.force_login(user)
    return client


def test_press_office_sees_subscriptions_filtered_in_german(press_client, newsletter):
    response = press_client.get(reverse("newsletters_subscriptions:index"),
                                {"newsletter": newsletter.pk, "state": "confirmed"}, HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    assert response.status_code == 200
    assert "jonas.weber@example.org" in html and "mehmet.yilmaz@example.org" not in html
    assert "Bestätigt" in html


def test_the_contact_page_shows_the_proof_through_the_hook(press_client):
    subscription = Subscription.objects.get(email="lena.hoffmann@example.org", newsletter__slug="zukunft-der-industrie")
    response = press_client.get(reverse("outreach_contacts:inspect", args=[subscription.contact_id]))
    html = response.content.decode()
    assert "Newsletter-Abonnements" in html or "Newsletter subscriptions" in html
    assert "192.0.2.10" in html  # the sign-up's IP from the proof log
    proof = press_client.get(reverse("newsletters_subscriptions:proof", args=[subscription.pk]))
    assert proof.status_code == 200 and proof.json()["consent_text"]["version"] == 1


def test_a_consent_text_change_is_a_new_version_and_the_old_stays(press_client):
    before = ConsentText.objects.filter(kind="consent", language="de").count()
    response = press_client.post(reverse("newsletters_consent_texts:add"), {
        "kind": "consent", "language": "de", "text": "Neue Fassung.", "url": ""})
    assert response.status_code == 302
    versions = list(ConsentText.objects.filter(kind="consent", language="de").values_list("version", flat=True))
    assert len(versions) == before + 1 and max(versions) == before + 1
    old = ConsentText.objects.get(kind="consent", language="de", version=1)
    assert press_client.get(reverse("newsletters_consent_texts:edit", args=[old.pk])).status_code in (302, 403)


def test_editors_do_not_get_in(client, django_user_model, demo_newsletters):
    from cms.services.roles import editors_group_ensure

    editor = django_user_model.objects.create_user("red-nl", "r@example.org", "pw-for-tests-only")
    editor.groups.add(editors_group_ensure())
    client.force_login(editor)
    for name in ("newsletters_subscriptions:index", "newsletters_newsletters:index", "newsletters_consent_texts:index"):
        assert client.get(reverse(name)).status_code in (302, 403)


def test_demo_load_is_idempotent(demo_newsletters):
    from newsletters.services.demo import demo_newsletters_load

    assert demo_newsletters_load().created == []
    assert set(demo_newsletters) == {"zukunft-der-industrie", "industriedialog-baden-wuerttemberg"}
