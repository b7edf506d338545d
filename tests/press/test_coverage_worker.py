"""Recording a clipping in the admin queues the reading of its page; a real Celery worker reads it."""

import time

import pytest
from django.urls import reverse

from press.models import Clipping
from tests.press.distribution_fixtures import officer, seed_release  # noqa: F401
from tests.press.pageserver import PageServer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_worker_reads_the_page_after_the_clipping_is_saved(celery_worker_thread, client, officer, seed_release,
                                                               settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the page server is on loopback
    pages = PageServer().start()
    try:
        client.force_login(officer)
        response = client.post(reverse("press_clippings:add"), {"release": seed_release.pk, "url": pages.page("/artikel"),
                                                         "tone": "neutral"})
        assert response.status_code == 302

        deadline = time.monotonic() + 30
        while Clipping.objects.get().fetch_status == Clipping.FetchStatus.PENDING and time.monotonic() < deadline:
            time.sleep(0.05)
        clipping = Clipping.objects.get()
        assert clipping.fetch_status == Clipping.FetchStatus.FETCHED, clipping.fetch_error
        assert clipping.outlet == "Rheinische Post" and clipping.published_on.isoformat() == "2017-01-18"
    finally:
        pages.stop()
