"""Publish webhooks and server-side request forgery (issue #9, finding 8).

Endpoints may not point at loopback, private, link-local (cloud metadata),
multicast, reserved or unspecified addresses, nor use plain http, unless
WEBHOOK_ALLOW_PRIVATE_TARGETS (or, for http, DEBUG) says so: refused when saved
(the admin form) and again at delivery, after resolving the name. The delivery
log keeps only a short excerpt of a receiver's answer, shown as text.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cms.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from cms.services.webhook_targets import webhook_url_validate
from cms.services.webhooks import webhook_delivery_send

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status

FORBIDDEN_URLS = [
    "https://127.0.0.1/hooks",
    "https://127.1.2.3:8443/hooks",
    "https://[::1]/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fe80::1]/hooks",
    "https://10.1.2.3/hooks",
    "https://192.168.0.10/hooks",
    "https://172.16.5.4/hooks",
    "https://[fd00::1]/hooks",
    "https://100.64.0.1/hooks",
    "https://224.0.0.1/hooks",
    "https://[ff02::1]/hooks",
    "https://0.0.0.0/hooks",
    "https://[::]/hooks",
    "https://240.0.0.1/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://localhost/hooks",  # a name that resolves to loopback
]


@pytest.fixture
def strict(settings):
    """Production rules, set explicitly: no private targets, no DEBUG."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    settings.DEBUG = False
    settings.WEBHOOK_CONNECT_TIMEOUT = 0.5
    settings.WEBHOOK_READ_TIMEOUT = 0.5
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    return settings


def add_endpoint(admin_client, url: str):
    return admin_client.post(reverse("webhook_endpoints:add"), {
        "name": "Ziel", "url": url, "on_publish": "on", "is_active": "on", "secret": "a-shared-secret",
    })


def delivery_to(url: str) -> WebhookDelivery:
    endpoint = WebhookEndpoint.objects.create(name="Ziel", url=url)
    return WebhookDelivery.objects.create(endpoint=endpoint, event=WebhookEvent.PAGE_PUBLISHED,
                                          payload={"event": "page.published", "page": {"id": 1}})


class SavingTests:
    @pytest.mark.parametrize("url", FORBIDDEN_URLS)
    def test_the_form_refuses_internal_targets(self, admin_client, strict, url):
        response = add_endpoint(admin_client, url)

        assert response.status_code in (200, 400)
        assert "auf eine interne Adresse" in response.content.decode()  # the admin speaks German here
        assert not WebhookEndpoint.objects.exists()

    def test_the_form_refuses_plain_http(self, admin_client, strict):
        response = add_endpoint(admin_client, "http://hooks.example.org/publish")

        assert "muss mit https:// beginnen" in response.content.decode()
        assert not WebhookEndpoint.objects.exists()

    def test_the_messages_are_german(self, strict):
        with translation.override("de"):
            with pytest.raises(ValidationError) as internal:
                webhook_url_validate("https://169.254.169.254/latest/meta-data/")
            with pytest.raises(ValidationError) as http:
                webhook_url_validate("http://hooks.example.org/publish")
        assert "interne Adresse" in internal.value.messages[0]
        assert "https" in http.value.messages[0] and "Adresse" in http.value.messages[0]

    def test_a_public_https_name_is_accepted_even_if_it_does_not_resolve_now(self, admin_client, strict):
        # The sandbox resolves no public names; delivery checks again in any case.
        response = add_endpoint(admin_client, "https://hooks.example.org/publish")

        assert response.status_code == 302
        assert WebhookEndpoint.objects.get().url == "https://hooks.example.org/publish"

    def test_debug_allows_http_but_not_internal_targets(self, strict):
        strict.DEBUG = True
        webhook_url_validate("http://hooks.example.org/publish")
        with pytest.raises(ValidationError):
            webhook_url_validate("http://127.0.0.1:8000/hooks")

    def test_the_setting_allows_both(self, strict):
        strict.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
        webhook_url_validate("http://127.0.0.1:8000/hooks")
        webhook_url_validate("https://[::1]/hooks")


class DeliveryTests:
    """Endpoints stored before the check existed (or written around the form) are refused when sent."""

    @pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
    def test_an_internal_target_fails_at_once_without_a_request(self, strict, receiver, host):
        port = receiver.server.server_address[1]
        delivery = delivery_to(f"https://{host}:{port}/hooks")

        webhook_delivery_send(delivery_id=delivery.id)  # no WebhookDeliveryRetry: this never gets better

        delivery.refresh_from_db()
        assert delivery.status == Status.FAILED and delivery.attempts == 1
        assert "internal address" in delivery.last_error
        assert receiver.requests == []

    def test_plain_http_fails_at_once_without_a_request(self, strict, receiver):
        delivery = delivery_to(receiver.url)  # http://127.0.0.1:port/hooks

        webhook_delivery_send(delivery_id=delivery.id)

        delivery.refresh_from_db()
        assert delivery.status == Status.FAILED and "https" in delivery.last_error
        assert receiver.requests == []

    def test_with_the_setting_the_local_receiver_gets_it(self, strict, receiver):
        strict.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
        delivery = delivery_to(receiver.url)

        webhook_delivery_send(delivery_id=delivery.id)

        delivery.refresh_from_db()
        assert delivery.status == Status.DELIVERED and len(receiver.requests) == 1


class DeliveryLogTests:
    def test_only_a_short_excerpt_of_the_answer_is_kept_and_shown_as_text(self, webhook_settings, receiver,
                                                                             admin_client):
        body = b"<html><script>alert('internal')</script>" + b"<p>secret internal detail</p>" * 200 + b"</html>"
        receiver.answer(("body", 410, body))
        delivery = delivery_to(receiver.url)

        webhook_delivery_send(delivery_id=delivery.id)

        delivery.refresh_from_db()
        assert delivery.status == Status.FAILED and delivery.last_status_code == 410
        assert len(delivery.last_error) <= 220
        assert delivery.last_error.startswith("HTTP 410: <html><script>")
        for url in (reverse("webhook_deliveries:inspect", args=[delivery.pk]), reverse("webhook_deliveries:index")):
            content = admin_client.get(url).content.decode()
            assert "<script>alert(" not in content
            assert "&lt;script&gt;alert(" in content
