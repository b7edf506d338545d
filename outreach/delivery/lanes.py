"""Several connections to one carrier at once, each in its own thread: the lanes of a batch.

A relay takes 20 to 100 ms to answer each message. One connection that waits for
every answer sends at most 1/latency messages a second, so a batch hands its
messages to several lanes (MAIL_SMTP_CONNECTIONS, MAIL_SES_CONNECTIONS), each a
thread with its own backend: its own SMTP connection, or for SES its own calls
through one shared boto3 client. Threads suffice: a lane spends its time in
socket calls, which release the GIL.

The lanes touch no database. The batch's own thread, which holds the database
connection, personalises messages into a short queue, and records the outcomes
the lanes report. A lane waits after each message until the batch's thread has
acknowledged its outcome (acknowledge() is called after the result is
committed) before it takes the next one, so on every connection at most one
message is ever sent but not yet recorded: a killed process re-sends at most
one message per open connection.

Stopping (pause, cancel, an error in the batch's own thread) takes effect
between messages: every lane finishes the message it is sending and takes no
other; what is still queued is handed back by stop().
"""

import logging
import queue
import threading
from dataclasses import dataclass
from typing import Any, Callable

from outreach.delivery.base import DeliveryBackend, DeliveryError, PermanentDeliveryError, TransientDeliveryError

logger = logging.getLogger(__name__)

_POLL_SECONDS = 0.05
# Put on the work queue once per lane when the lanes stop: a lane waiting for work ends at once rather than at
# its next poll, which at the end of every batch kept the task (and its connections) 50 ms longer.
_WAKE = None


@dataclass
class Outcome:
    """What happened to one item: provider_id when the carrier took it, else error.
    sent is False when nothing was handed to the carrier (the rate-limit store was unreachable)."""

    item: Any
    lane: int
    envelope: Any = None
    provider_id: str = ""
    error: DeliveryError | None = None
    sent: bool = True


class Lanes:
    """count lanes over backends made by new_backend(); limiter.acquire() before every send."""

    def __init__(self, *, new_backend: Callable[[], DeliveryBackend], count: int, limiter):
        self.new_backend = new_backend
        self.count = max(1, count)
        self.limiter = limiter
        self.work: queue.Queue = queue.Queue()
        self.outcomes: queue.Queue = queue.Queue()
        self.stopping = threading.Event()
        self.closing = threading.Event()  # the batch's thread no longer records anything
        self.lock = threading.Lock()
        self.slot_lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.acks: dict[int, threading.Event] = {}
        self.alive = 0
        self.fatal: DeliveryError | None = None  # stops every lane: the batch must end and retry later
        self.last_connection_error: DeliveryError | None = None
        self.first: DeliveryBackend | None = None

    # --- The batch's thread -----------------------------------------------------------------

    def open_first(self) -> DeliveryBackend:
        """Open lane 0 here, so an unreachable carrier fails the batch at once and its
        capabilities (8BITMIME) are known before anything is composed. Raises the backend's error."""
        self.first = self.new_backend()
        self.first.open()
        return self.first

    def start(self) -> None:
        for lane in range(self.count):
            self.acks[lane] = threading.Event()
            thread = threading.Thread(target=self._run, args=(lane,), name=f"mail-lane-{lane}", daemon=True)
            self.threads.append(thread)
        with self.lock:
            self.alive = self.count
        for thread in self.threads:
            thread.start()

    def room(self) -> bool:
        """Whether another item may be queued: as many waiting as there are live lanes keeps every lane busy."""
        return self.work.qsize() < max(1, self.alive)

    def submit(self, item, envelope) -> None:
        self.work.put((item, envelope))

    def results(self, *, wait: bool) -> list[Outcome]:
        """The outcomes reported so far; with wait, block until there is at least one or no lane is left."""
        found = []
        while wait and not found:
            try:
                found.append(self.outcomes.get(timeout=_POLL_SECONDS))
            except queue.Empty:
                if not self.alive:
                    break
        while True:
            try:
                found.append(self.outcomes.get_nowait())
            except queue.Empty:
                return found

    def acknowledge(self, outcomes: list[Outcome]) -> None:
        """The outcomes are recorded: their lanes may send again."""
        for outcome in outcomes:
            self.acks[outcome.lane].set()

    def queued(self) -> list:
        """Take back every item no lane has started on."""
        items = []
        while True:
            try:
                entry = self.work.get_nowait()
            except queue.Empty:
                return items
            if entry is not _WAKE:
                items.append(entry[0])

    def stop(self) -> list:
        """No lane takes another item; returns the items none had taken."""
        self.stopping.set()
        items = self.queued()
        for _lane in range(self.count):
            self.work.put(_WAKE)
        return items

    def close(self, timeout: float | None = None) -> list[Outcome]:
        """Stop, release every lane that waits for an acknowledgement (none sends again once stopping),
        wait for the lanes to end and return the outcomes they reported meanwhile. Items still queued
        are dropped: the batch gives back whatever has no outcome."""
        self.closing.set()
        self.stop()
        for ack in self.acks.values():
            ack.set()
        for thread in self.threads:
            thread.join(timeout)
        return self.results(wait=False)

    # --- A lane's thread --------------------------------------------------------------------

    def _open(self, lane: int) -> DeliveryBackend | None:
        if lane == 0 and self.first is not None:
            # Handed over once: lane 0 reconnecting after a drop needs a new connection, not the closed first one.
            first, self.first = self.first, None
            return first
        backend = self.new_backend()
        try:
            backend.open()
        except DeliveryError as exc:
            # A relay that allows fewer connections than configured (421 too many connections):
            # the other lanes carry on with the work.
            logger.info("mail lane %s could not connect: %s", lane, exc)
            self.last_connection_error = exc
            backend.close()
            return None
        return backend

    def _run(self, lane: int) -> None:
        backend = None
        try:
            backend = self._open(lane)
            reconnected = False
            while backend is not None and not self.stopping.is_set():
                try:
                    entry = self.work.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    continue
                if entry is _WAKE:
                    continue  # stopping: the loop ends
                item, envelope = entry
                outcome = self._send(lane, backend, item, envelope)
                self.acks[lane].clear()
                self.outcomes.put(outcome)
                # The result must be on record before this connection sends again (see the module docstring).
                while not self.closing.is_set() and not self.acks[lane].wait(_POLL_SECONDS):
                    pass
                if self.closing.is_set():
                    return
                if not outcome.sent:
                    return
                if outcome.error is not None and outcome.error.connection_lost:
                    backend.close()
                    # One new connection per lane and batch: a relay that keeps dropping us is
                    # left to the task's retry rather than hammered.
                    backend = None if reconnected else self._open(lane)
                    reconnected = True
        except BaseException:  # noqa: BLE001 - a lane must never die silently with an item in hand
            logger.exception("mail lane %s failed", lane)
            self.stopping.set()
        finally:
            if backend is not None:
                backend.close()
            with self.lock:
                self.alive -= 1

    def _send(self, lane: int, backend: DeliveryBackend, item, envelope) -> Outcome:
        try:
            # One lane at a time takes its slot and waits for it: after a stall of this process
            # (a busy CPU) only one reserved slot can be in the past, so the lanes cannot burst
            # out several messages at once; across processes Redis spaces the slots.
            with self.slot_lock:
                self.limiter.acquire()
        except TransientDeliveryError as exc:
            # Sending unthrottled would break the limit: every lane stops, the batch retries later.
            self.fatal = exc
            self.stopping.set()
            return Outcome(item=item, lane=lane, envelope=envelope, error=exc, sent=False)
        try:
            provider_id = backend.send(envelope.envelope_from, envelope.recipient, envelope.message_bytes)
        except (TransientDeliveryError, PermanentDeliveryError) as exc:
            if exc.connection_lost:
                self.last_connection_error = exc
            return Outcome(item=item, lane=lane, envelope=envelope, error=exc)
        return Outcome(item=item, lane=lane, envelope=envelope, provider_id=provider_id)
