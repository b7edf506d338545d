"""The shared send rate: evenly spaced slots, never more than MAIL_RATE_PER_SECOND in any second, across workers.

Against the real Redis (marked redis), two threads with limiters of their own
share one schedule, as two worker processes would; and two batches of one
mailing send through aiosmtpd at the configured rate, timed where the mail
arrives. Without Redis the in-process limiter keeps the same schedule.
"""

import threading
import time
import uuid

import pytest
from django.db import connections

from outreach.delivery import ratelimit
from outreach.delivery.ratelimit import LocalRateLimiter, RedisRateLimiter, Unlimited, rate_limiter
from outreach.models import Message
from outreach.services.sending import message_batch_send
from tests.outreach.sending_fixtures import (  # noqa: F401
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
    smtp_settings,
    smtp_sink,
)
from tests.outreach.test_sending_recovery import sending_mailing


def most_in_one_second(stamps: list[float]) -> int:
    """The largest number of stamps in any half-open window [t, t + 1 s)."""
    stamps = sorted(stamps)
    most, start = 0, 0
    for end, stamp in enumerate(stamps):
        while stamp - stamps[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def acquire_in_threads(limiters, per_thread: int) -> list[float]:
    stamps, lock = [], threading.Lock()

    def run(limiter):
        for _ in range(per_thread):
            limiter.acquire()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=run, args=(limiter,)) for limiter in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stamps


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(ratelimit.redis_url())
    yield client
    client.close()


@pytest.mark.redis
def test_two_limiters_sharing_redis_keep_the_rate_together(redis_client):
    key = f"test:{uuid.uuid4().hex}"  # other runs may use the same Redis
    limiters = [RedisRateLimiter(redis_client, key=key, rate=50) for _ in range(2)]

    stamps = acquire_in_threads(limiters, per_thread=50)

    assert len(stamps) == 100
    assert max(stamps) - min(stamps) >= 1.9
    # Stamps are taken when a thread gets going again after its grant; on a loaded machine one
    # can lag into the next window, so one over the rate is scheduling, not the limiter.
    assert most_in_one_second(stamps) <= 51


def test_the_in_process_limiter_keeps_the_same_schedule():
    limiter = LocalRateLimiter(rate=100)

    stamps = acquire_in_threads([limiter, limiter], per_thread=25)

    assert max(stamps) - min(stamps) >= 0.48
    assert most_in_one_second(stamps) <= 100


def test_the_limiter_follows_the_settings(settings, monkeypatch):
    settings.MAIL_BACKEND = "smtp"
    settings.MAIL_RATE_PER_SECOND = 0
    assert isinstance(rate_limiter(), Unlimited)
    settings.MAIL_RATE_PER_SECOND = {"ses": 14}
    assert isinstance(rate_limiter(), Unlimited)
    assert ratelimit.rate_per_second("ses") == 14

    settings.MAIL_RATE_PER_SECOND = 20
    settings.MAIL_RATE_LIMIT_REDIS_URL = None
    monkeypatch.delenv("REDIS_URL", raising=False)
    local = rate_limiter()
    assert isinstance(local, LocalRateLimiter) and rate_limiter() is local  # one schedule per process
    settings.MAIL_RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:6379/0"
    shared = rate_limiter()
    assert isinstance(shared, RedisRateLimiter) and shared.key.startswith(f"{ratelimit.KEY_PREFIX}:smtp:")


def test_an_unreachable_redis_stops_the_batch_rather_than_sending_unlimited():
    import redis

    from outreach.delivery import TransientDeliveryError

    limiter = RedisRateLimiter(redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5), key="x", rate=5)
    with pytest.raises(TransientDeliveryError, match="rate limit"):
        limiter.acquire()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("smtp_settings")
def test_two_batches_of_a_mailing_arrive_at_the_configured_rate(sender, smtp_sink, settings):
    settings.MAIL_RATE_PER_SECOND = 50
    settings.MAIL_RATE_LIMIT_REDIS_URL = ratelimit.redis_url()
    settings.MAIL_STATUS_CHECK_EVERY = 10
    arrivals = []
    smtp_sink.handler.after_accept = lambda count: arrivals.append(time.monotonic())
    mailing = sending_mailing(sender, make_contacts(100))  # no dispatch: the two batches are driven here
    frozen = Message.objects.filter(mailing=mailing)

    def batch(task_id):
        try:
            message_batch_send(mailing_id=mailing.pk, worker_task_id=task_id, batch_size=50)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=batch, args=(f"task-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert frozen.filter(status=Message.Status.ACCEPTED).count() == 100
    assert len(arrivals) == 100
    assert max(arrivals) - min(arrivals) >= 1.9
    # Timed at the sink, after each SMTP conversation: two connections' differing
    # round trips can move one arrival into the neighbouring second. The limiter
    # itself (slot times) is held to the exact rate in the tests above.
    assert most_in_one_second(arrivals) <= 51
