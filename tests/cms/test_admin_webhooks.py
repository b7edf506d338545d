"""The webhook admin through Wagtail's real views: endpoints, the delivery log, "Retry now"."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from cms.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from cms.services.roles import editors_group_ensure

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status
SEND_TASK = "cms.tasks.webhook_delivery_send_task"


def endpoints_url(name, *args):
    return reverse(f"webhook_endpoints:{name}", args=args)


def deliveries_url(name, *args):
    return reverse(f"webhook_deliveries:{name}", args=args)


@pytest.fixture
def editor(django_user_model):
    """An editor whose group even holds the webhook models' permissions: they must not count."""
    user = django_user_model.objects.create_user("test-editor", "editor@example.org")
    user.groups.add(editors_group_ensure())
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="cms",
                                                         content_type__model__startswith="webhook"))
    return user


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def make_delivery(make_endpoint):
    endpoint = make_endpoint(name="Frontend", url="https://frontend.example.org/hooks")

    def make(**fields):
        payload = {"event": "page.published", "page": {"id": 42, "title": "Industriedialog Krefeld"}}
        return WebhookDelivery.objects.create(endpoint=endpoint, event=WebhookEvent.PAGE_PUBLISHED,
                                              payload=payload, **fields)

    return make


def csrf_token_in(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def cells_of_first_row(response) -> list[str]:
    listing = response.content.decode().split('<table class="listing">')[1]
    row = listing.split("<tbody>")[1].split("</tr>")[0]
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_endpoints_list_shows_the_endpoints(admin_client, make_endpoint):
    make_endpoint(name="Frontend", url="https://frontend.example.org/hooks")

    response = admin_client.get(endpoints_url("index"))

    assert response.status_code == 200
    assert "Frontend" in response.content.decode()
    assert "https://frontend.example.org/hooks" in response.content.decode()


def test_an_endpoint_is_added_through_the_form(admin_client):
    response = admin_client.post(endpoints_url("add"), {
        "name": "Search index", "url": "https://search.example.org/hooks", "on_publish": "on",
        "is_active": "on", "secret": "a-shared-secret",
    })

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get(name="Search index")
    assert endpoint.url == "https://search.example.org/hooks"
    assert (endpoint.on_publish, endpoint.on_unpublish) == (True, False)
    assert endpoint.secret == "a-shared-secret"


def test_a_new_endpoint_gets_a_generated_secret(admin_client):
    response = admin_client.get(endpoints_url("add"))

    assert response.status_code == 200
    secret = re.search(r'name="secret"[^>]*value="([^"]+)"', response.content.decode()).group(1)
    assert len(secret) >= 40


def test_an_endpoint_is_edited_through_the_form(admin_client, make_endpoint):
    endpoint = make_endpoint(name="Frontend", url="https://old.example.org/hooks")

    response = admin_client.post(endpoints_url("edit", endpoint.pk), {
        "name": "Frontend", "url": "https://new.example.org/hooks", "on_publish": "on", "on_unpublish": "on",
        "secret": endpoint.secret,  # is_active left out: switched off
    })

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.is_active) == ("https://new.example.org/hooks", False)


def test_the_delivery_log_shows_status_attempts_and_the_last_error(admin_client, make_delivery):
    make_delivery(status=Status.FAILED, attempts=8, last_status_code=503, last_error="HTTP 503: maintenance")

    response = admin_client.get(deliveries_url("index"))

    assert response.status_code == 200
    endpoint, status, attempts, status_code, error = cells_of_first_row(response)[1:6]
    assert endpoint == "Frontend (https://frontend.example.org/hooks)"
    assert (status, attempts, status_code, error) == ('<span class="w-status"> Fehlgeschlagen </span>', "8", "503",
                                                      "HTTP 503: maintenance")


def test_the_delivery_log_filters_by_status(admin_client, make_delivery):
    failed = make_delivery(status=Status.FAILED, last_error="HTTP 410: gone for good")
    delivered = make_delivery(status=Status.DELIVERED, last_status_code=200)

    response = admin_client.get(deliveries_url("index"), {"status": "failed"})

    html = response.content.decode()
    assert deliveries_url("inspect", failed.pk) in html
    assert deliveries_url("inspect", delivered.pk) not in html


def test_the_inspect_view_shows_the_payload(admin_client, make_delivery):
    delivery = make_delivery(status=Status.DELIVERED)

    response = admin_client.get(deliveries_url("inspect", delivery.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<pre>" in html and "&quot;title&quot;: &quot;Industriedialog Krefeld&quot;" in html
    assert "Jetzt erneut versuchen" not in html  # only failed deliveries (the admin speaks German)


def test_deliveries_are_not_added_edited_or_deleted_in_the_admin(admin_client, make_delivery):
    delivery = make_delivery(status=Status.DELIVERED)

    for url in (deliveries_url("add"), deliveries_url("edit", delivery.pk), deliveries_url("delete", delivery.pk)):
        assert admin_client.get(url).status_code in (302, 403), url
    admin_client.post(deliveries_url("edit", delivery.pk), {"status": "failed"})
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED


def test_retry_now_queues_a_failed_delivery_again(superuser, make_delivery, broker_queue,
                                                  django_capture_on_commit_callbacks):
    delivery = make_delivery(status=Status.FAILED, attempts=8, last_error="HTTP 503: maintenance")
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    inspect = client.get(deliveries_url("inspect", delivery.pk))
    assert "Jetzt erneut versuchen" in inspect.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(deliveries_url("retry", delivery.pk),
                               {"csrfmiddlewaretoken": csrf_token_in(inspect)}, follow=True)

    assert response.redirect_chain[-1][0] == deliveries_url("inspect", delivery.pk)
    assert "erneut eingereiht" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 0)
    assert broker_queue.take() == [(SEND_TASK, (delivery.id,))]


def test_retry_now_needs_the_csrf_token(superuser, make_delivery, broker_queue):
    delivery = make_delivery(status=Status.FAILED, attempts=8)
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)

    response = client.post(deliveries_url("retry", delivery.pk))

    assert response.status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED


def test_retry_now_is_post_only(admin_client, make_delivery):
    delivery = make_delivery(status=Status.FAILED, attempts=8)

    assert admin_client.get(deliveries_url("retry", delivery.pk)).status_code == 405


def test_retry_now_leaves_a_delivery_that_has_not_failed_alone(admin_client, make_delivery, broker_queue,
                                                               django_capture_on_commit_callbacks):
    delivery = make_delivery(status=Status.DELIVERED, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(deliveries_url("retry", delivery.pk), follow=True)

    assert "Nur eine fehlgeschlagene Zustellung kann wiederholt werden" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.DELIVERED, 1)
    assert broker_queue.take() == []


def test_editors_cannot_see_or_change_webhooks(editor_client, make_delivery, broker_queue,
                                               django_capture_on_commit_callbacks):
    delivery = make_delivery(status=Status.FAILED, attempts=8)
    endpoint = delivery.endpoint

    for url in (endpoints_url("index"), endpoints_url("add"), endpoints_url("edit", endpoint.pk),
                endpoints_url("inspect", endpoint.pk), deliveries_url("index"), deliveries_url("inspect", delivery.pk)):
        response = editor_client.get(url)
        # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home"), url
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(deliveries_url("retry", delivery.pk))
        editor_client.post(endpoints_url("edit", endpoint.pk), {"name": "Mine", "url": "https://evil.example.org/"})

    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == Status.FAILED and endpoint.url == "https://frontend.example.org/hooks"
    assert broker_queue.take() == []


def test_only_superusers_see_the_webhook_menu_items(admin_client, editor_client):
    assert "Webhook-Zustellungen" in admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Webhook-Zustellungen" not in editor_client.get(reverse("wagtailadmin_home")).content.decode()
