"""Staff asking for a confirmation: the double opt-in mail goes out through a real Celery worker to the real
SMTP sink, and only the person's click subscribes them (transactional: the worker sees committed rows)."""

import re

import pytest
from django.urls import reverse

from newsletters.models import Subscription, SubscriptionEvent
from newsletters.services.roles import newsletter_roles_ensure
from tests.newsletters.test_signup_worker import mails_to, path_of, plain, wait_until
from tests.outreach.sending_fixtures import mail_settings, smtp_settings, smtp_sink  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.usefixtures("smtp_settings")]
Kind = SubscriptionEvent.Kind


@pytest.fixture(scope="module")
def worker(celery_worker_thread):
    return celery_worker_thread


def test_a_confirmation_request_by_staff_goes_through_the_worker(worker, client, django_user_model, smtp_sink,
                                                                 newsletter):
    from outreach.services.roles import press_office_group_ensure

    staff = django_user_model.objects.create_user("presse-doi", "pd@example.org", "pw-for-tests-only")
    staff.groups.add(newsletter_roles_ensure(), press_office_group_ensure())
    client.force_login(staff)
    address = "karte@example.org"
    response = client.post(reverse("newsletters_subscriptions:add_by_staff"), {
        "newsletter": newsletter.pk, "email": address, "name": "Karl Karte", "language": "de",
        "topics": [newsletter.topics.order_by("pk").first().pk], "mode": "confirmation",
        "proof_note": "Visitenkarte mit Bitte um den Newsletter, Industriedialog Stuttgart, 3. Dezember 2026.",
    })
    assert response.status_code == 302
    subscription = Subscription.objects.get(newsletter=newsletter, email=address)
    assert subscription.state == "pending" and subscription.contact is None

    wait_until(lambda: mails_to(smtp_sink, address), what="confirmation mail")
    [mail] = mails_to(smtp_sink, address)
    assert "Bitte bestätigen" in mail["Subject"]
    wait_until(lambda: subscription.events.filter(kind=Kind.CONFIRMATION_SENT).exists(), what="sent in the proof")
    assert subscription.events.get(kind=Kind.SIGNED_UP).actor == staff

    link = re.search(r"https?://\S+/newsletter/confirm/\S+", plain(mail)).group(0)
    client.logout()
    confirmed = client.post(path_of(link), {"lang": "de"}, REMOTE_ADDR="198.51.100.30")
    assert confirmed.status_code == 200
    subscription.refresh_from_db()
    assert subscription.state == "confirmed" and subscription.contact is not None
    assert subscription.events.get(kind=Kind.CONFIRMED).ip_address == "198.51.100.30"
