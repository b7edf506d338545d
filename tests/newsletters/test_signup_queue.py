"""Sign-ups queued in a table: each recorded once, a flood publishes one drain, a failing row holds up no other."""

import pytest
from django.core.cache import cache

from newsletters.models import QueuedSignup, Subscription, SubscriptionEvent
from newsletters.services import signup_queue
from tests.newsletters.conftest import signup_payload

pytestmark = pytest.mark.django_db
URL = "/api/newsletters/subscriptions/"


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.NEWSLETTER_SIGNUP_RATE_ADDRESS = settings.NEWSLETTER_SIGNUP_RATE_IP = "1000/hour"


def post(client, payload):
    return client.post(URL, payload, content_type="application/json", REMOTE_ADDR="198.51.100.7")


@pytest.fixture
def queued(client, newsletter, consent_ids, django_capture_on_commit_callbacks):
    """Sign up these addresses and leave them queued (no drain runs); their rows, oldest first."""
    def sign_up(*emails) -> list[QueuedSignup]:
        with django_capture_on_commit_callbacks():
            for email in emails:
                assert post(client, signup_payload(newsletter, consent_ids, email=email)).status_code == 202
        return list(QueuedSignup.objects.order_by("pk"))

    return sign_up


def test_a_flood_of_sign_ups_publishes_one_drain_that_records_each_once(client, newsletter, consent_ids,
                                                                       django_capture_on_commit_callbacks):
    emails = [f"flut{number}@example.org" for number in range(5)]
    with django_capture_on_commit_callbacks() as callbacks:
        for email in emails:
            assert post(client, signup_payload(newsletter, consent_ids, email=email)).status_code == 202
    assert QueuedSignup.objects.count() == 5
    assert not Subscription.objects.filter(email__in=emails).exists()  # nothing recorded by the requests

    published = []
    from newsletters.tasks import signups_queued_record_task
    original = signups_queued_record_task.apply_async
    signups_queued_record_task.apply_async = lambda *args, **kwargs: published.append(original(*args, **kwargs))
    try:
        for callback in callbacks:  # as each request's commit runs them, while the drain waits in the broker
            callback()
    finally:
        del signups_queued_record_task.apply_async
    assert len(published) == 1  # the other four found the drain already scheduled
    signup_queue.signups_queued_record()  # what the worker does with that one task
    assert QueuedSignup.objects.count() == 0
    assert set(Subscription.objects.filter(email__in=emails).values_list("email", flat=True)) == set(emails)
    assert SubscriptionEvent.objects.filter(subscription__email__in=emails, kind="signed-up").count() == 5

    assert signup_queue.signups_queued_record() == {"recorded": 0, "failed": 0}  # a second drain finds nothing
    assert SubscriptionEvent.objects.filter(subscription__email__in=emails, kind="signed-up").count() == 5


def test_a_sign_up_after_a_drain_started_schedules_the_next_one(client, newsletter, consent_ids,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, signup_payload(newsletter, consent_ids, email="erste@example.org"))
    assert cache.get(signup_queue.DRAIN_SCHEDULED_KEY) == 1
    signup_queue.signups_queued_record()  # the drain forgets the mark before it reads
    assert cache.get(signup_queue.DRAIN_SCHEDULED_KEY) is None
    with django_capture_on_commit_callbacks(execute=True):
        post(client, signup_payload(newsletter, consent_ids, email="zweite@example.org"))
    assert cache.get(signup_queue.DRAIN_SCHEDULED_KEY) == 1


def test_a_row_that_fails_is_kept_and_the_others_are_recorded(queued):
    broken, _other = queued("eins@example.org", "zwei@example.org")
    broken.payload = {**broken.payload, "requested_at": None}  # as a row no worker can read
    broken.save()
    assert signup_queue.signups_queued_record() == {"recorded": 1, "failed": 1}
    assert list(QueuedSignup.objects.values_list("pk", flat=True)) == [broken.pk]
    assert Subscription.objects.filter(email="zwei@example.org").exists()


def test_a_row_no_drain_could_record_is_dropped_with_the_unconfirmed_sign_ups(queued):
    from datetime import timedelta

    from django.utils import timezone

    from newsletters.services.signup import subscriptions_purge_unconfirmed

    old, _new = queued("alt@example.org", "neu@example.org")
    QueuedSignup.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert subscriptions_purge_unconfirmed()["unrecordable_dropped"] == 1
    assert [item.payload["email"] for item in QueuedSignup.objects.all()] == ["neu@example.org"]
