import pytest
from django.core.cache import cache


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo content is the shared fixture: every test starts with it and rolls back its own changes."""
    from cms.services.demo import demo_content_load
    from press.services.demo import demo_press_load

    with django_db_blocker.unblock():
        demo_content_load()
        demo_press_load()
        from django.db import connection

        # Transactional tests with serialized_rollback restore this snapshot;
        # taken before the demo load it would clash with the demo's page tree.
        if hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        _close_other_sessions()


def _close_other_sessions():
    """Threads of live servers and workers keep a connection of their own, which would stop the
    test database from being dropped at the end ("being accessed by other users")."""
    from django.db import connection, connections

    connections.close_all()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        connection.close()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def german():
    from wagtail.models import Locale

    return Locale.objects.get(language_code="de")


@pytest.fixture
def english():
    from wagtail.models import Locale

    return Locale.objects.get(language_code="en")


@pytest.fixture
def news_index(german):
    from cms.models import NewsIndexPage

    return NewsIndexPage.objects.get(locale=german)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root-admin", "root@example.org", "pw-for-tests-only")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(scope="module")
def celery_worker_thread():
    """A real Celery worker, in a thread, on the configured broker (Redis in CI, else the filesystem).

    Use it from transactional tests: the worker sees only committed rows.
    """
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from cms.celery import app

    def close_connections(**kwargs):
        # The worker thread's connection would outlive the test and block the test database's flush.
        connections.close_all()

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)  # nothing left from other tests
    task_postrun.connect(close_connections, weak=False)
    try:
        with pytest.MonkeyPatch.context() as patch:
            # The filesystem transport polls once a second by default; Redis does not poll.
            patch.setitem(app.conf.broker_transport_options, "polling_interval", 0.05)
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
                yield worker
    finally:
        task_postrun.disconnect(close_connections)


@pytest.fixture(scope="module")
def moto_endpoint():
    """moto in server mode on loopback: boto3 talks HTTP to a real process (S3, SES, SNS)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
