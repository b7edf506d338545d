"""How fast we hand messages to a carrier: MAIL_RATE_PER_SECOND, shared by every worker.

Relays and providers (SES, a hosted SMTP) refuse or throttle a sender that goes
over its contracted rate, so the limit is a ceiling across all workers, not
per process. The schedule lives in Redis and is advanced by one Lua script, so
two workers can never take the same slot; it runs on Redis's own clock (TIME),
so workers on hosts with skewed clocks still agree.

The schedule is a reservation (GCRA): each acquire() takes the next free slot,
one interval after the previous one, and sleeps until it. Sends are therefore
evenly spaced (100 messages at 50/s take about two seconds) rather than bursting
a second's worth at once, and no one-second window holds more than the rate.

Without Redis (the embedded setup runs one worker) an in-process schedule with
the same interface does the same for the threads of this process.

Settings: MAIL_RATE_PER_SECOND (0 = unlimited; a number for the configured
backend, or a dict {"smtp": 14, "outbox": 0} per backend name),
MAIL_RATE_LIMIT_REDIS_URL (falls back to the REDIS_URL environment variable).
"""

import os
import threading
import time
from typing import Protocol

from django.conf import settings

from outreach.delivery.base import TransientDeliveryError

# Slots are spaced this much wider than 1/rate: the carrier counts arrivals, and network and
# scheduling jitter between our clock and its would otherwise let two sends land closer than the
# interval, putting one more message than the rate into some second of the carrier's count.
HEADROOM = 0.02

KEY_PREFIX = "dialogdesk:mail-rate"

# KEYS[1]: the schedule; ARGV[1]: the interval in microseconds. Returns how many microseconds to wait
# for the slot just reserved. The key holds the next free slot (Redis time, microseconds) and expires
# once that slot is past, so an idle limit leaves nothing behind.
_RESERVE = """
local interval = tonumber(ARGV[1])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
local following = slot + interval
redis.call('SET', KEYS[1], string.format('%.0f', following), 'PX', math.ceil((following - now) / 1000) + 1000)
return slot - now
"""


class RateLimiter(Protocol):
    def acquire(self) -> float:
        """Block until this caller may send one message; return the seconds waited."""


class Unlimited:
    def acquire(self) -> float:
        return 0.0


def _interval_seconds(rate: float) -> float:
    return (1.0 + HEADROOM) / rate


class RedisRateLimiter:
    """The schedule for key in Redis, shared by every process that uses the same key and rate."""

    def __init__(self, client, *, key: str, rate: float):
        self.client = client
        self.key = key
        self.interval_us = max(1, round(_interval_seconds(rate) * 1_000_000))
        self.script = client.register_script(_RESERVE)

    def acquire(self) -> float:
        import redis

        try:
            wait = int(self.script(keys=[self.key], args=[self.interval_us])) / 1_000_000
        except redis.RedisError as exc:
            # Sending unthrottled would break the very promise of a limit: stop the batch instead;
            # its task gives the messages back and retries later.
            raise TransientDeliveryError(f"rate limit store unreachable: {exc}", connection_lost=True) from exc
        if wait > 0:
            time.sleep(wait)
        return wait


class LocalRateLimiter:
    """The same schedule held in this process; one per key, shared by its threads."""

    def __init__(self, *, rate: float):
        self.interval = _interval_seconds(rate)
        self.lock = threading.Lock()
        self.next_slot = 0.0

    def acquire(self) -> float:
        with self.lock:
            now = time.monotonic()
            slot = max(self.next_slot, now)
            self.next_slot = slot + self.interval
        wait = slot - now
        if wait > 0:
            time.sleep(wait)
        return wait


_local: dict[tuple[str, float], LocalRateLimiter] = {}
_clients: dict[str, object] = {}  # one connection pool per URL and process (redis-py resets it after a fork)
_local_lock = threading.Lock()


def rate_per_second(backend_name: str) -> float:
    configured = getattr(settings, "MAIL_RATE_PER_SECOND", 0) or 0
    if isinstance(configured, dict):
        configured = configured.get(backend_name, 0) or 0
    return float(configured)


def redis_url() -> str:
    return getattr(settings, "MAIL_RATE_LIMIT_REDIS_URL", None) or os.environ.get("REDIS_URL", "")


def limit_key(backend_name: str) -> str:
    # The limit belongs to the carrier, so two relays configured in turn do not share one schedule.
    if backend_name == "smtp":
        host = getattr(settings, "MAIL_SMTP_HOST", "127.0.0.1")
        return f"{KEY_PREFIX}:smtp:{host}:{getattr(settings, 'MAIL_SMTP_PORT', 25)}"
    return f"{KEY_PREFIX}:{backend_name}"


def rate_limiter(backend_name: str | None = None) -> RateLimiter:
    """The limiter for the configured (or named) backend: Redis when configured, else in-process."""
    name = backend_name or getattr(settings, "MAIL_BACKEND", "outbox")
    rate = rate_per_second(name)
    if rate <= 0:
        return Unlimited()
    key = limit_key(name)
    url = redis_url()
    with _local_lock:
        if url:
            import redis

            if url not in _clients:
                _clients[url] = redis.Redis.from_url(url, socket_timeout=5)
            return RedisRateLimiter(_clients[url], key=key, rate=rate)
        if (key, rate) not in _local:
            _local[key, rate] = LocalRateLimiter(rate=rate)
        return _local[key, rate]
