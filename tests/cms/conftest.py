"""Fixtures for the publish webhooks: a real HTTP receiver, the real broker, a real worker."""

from contextlib import contextmanager

import pytest

from tests.cms.broker import BrokerQueue
from tests.cms.httpserver import closed_port, start_receiver, stop_receiver


@pytest.fixture
def webhook_settings(settings):
    """Timeouts small enough that a slow receiver costs a fraction of a second, and no backoff; and the
    receiver is on 127.0.0.1 over plain http, which only this setting allows."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_CONNECT_TIMEOUT = 0.5
    settings.WEBHOOK_READ_TIMEOUT = 0.3
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    return settings


@pytest.fixture
def receiver():
    receiver = start_receiver()
    yield receiver
    stop_receiver(receiver)


@pytest.fixture
def down_url():
    return f"http://127.0.0.1:{closed_port()}/hooks"


@pytest.fixture
def make_endpoint(receiver):
    from cms.models import WebhookEndpoint

    def make(**fields):
        fields.setdefault("name", "Frontend")
        fields.setdefault("url", receiver.url)
        return WebhookEndpoint.objects.create(**fields)

    return make


@pytest.fixture
def endpoint(make_endpoint):
    return make_endpoint()


@pytest.fixture
def broker_queue():
    """The real broker's queue, emptied before and after so tests see only their own tasks."""
    from cms.celery import app

    queue = BrokerQueue(app)
    queue.purge()
    yield queue
    queue.purge()


@pytest.fixture
def broker_unreachable(monkeypatch):
    """A context manager that sends the Celery app's messages to a closed port, as when the broker is down."""
    from cms.celery import app

    @contextmanager
    def unreachable():
        app.close()  # drop pooled connections to the real broker
        # Celery reads this variable before its settings, so it wins over CELERY_BROKER_URL from the environment.
        monkeypatch.setenv("CELERY_BROKER_WRITE_URL", f"redis://127.0.0.1:{closed_port()}/0")
        try:
            yield
        finally:
            monkeypatch.delenv("CELERY_BROKER_WRITE_URL")
            app.close()

    return unreachable


@pytest.fixture
def editor(django_user_model):
    """A member of the Editors group (all content, no settings, no press contacts)."""
    from cms.services.roles import editors_group_ensure

    user = django_user_model.objects.create_user("test-editor", "editor@example.org")
    user.groups.add(editors_group_ensure())
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
