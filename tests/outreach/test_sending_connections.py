"""Several connections per batch against a real SMTP server (aiosmtpd) and an HTTP stub answering like SES:
concurrency at a relay's latency, 8BITMIME, PIPELINING, and faults on one connection that must leave the rest going.
"""

import asyncio
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from outreach.delivery import TransientDeliveryError
from outreach.models import Mailing, Message
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from tests.outreach.sending_fixtures import (  # noqa: F401
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
    smtp_settings,
    smtp_sink,
    statuses,
)

pytestmark = [pytest.mark.django_db]

Status = Message.Status


class RelayBehaviour:
    """Added to the sink's handler: latency before answering DATA, PIPELINING, a dropped or stalled recipient."""

    def __init__(self, handler):
        self.handler = handler
        self.latency = 0.0
        self.pipelining = False
        self.drop: set[str] = set()
        self.stall: dict[str, float] = {}
        self.peers: set[int] = set()
        self.mail_options: list[list[str]] = []
        self.busy = 0
        self.most_busy = 0
        handler.handle_EHLO = self.handle_EHLO
        handler.handle_MAIL = self.handle_MAIL
        self.original_data = handler.handle_DATA
        handler.handle_DATA = self.handle_DATA

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        self.mail_options.append(list(mail_options))
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        recipient = envelope.rcpt_tos[0]
        self.peers.add(session.peer[1])
        if recipient in self.drop:
            self.drop.discard(recipient)
            server.transport.close()  # mid-DATA: the message never gets its answer
            return "421 closing"
        if recipient in self.stall:
            await asyncio.sleep(self.stall.pop(recipient))
            server.transport.close()
            return "421 closing"
        self.busy += 1
        self.most_busy = max(self.most_busy, self.busy)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            return await self.original_data(server, session, envelope)
        finally:
            self.busy -= 1


@pytest.fixture
def relay(smtp_sink):
    return RelayBehaviour(smtp_sink.handler)


class ConnectionLimit:
    """A TCP front for the sink that answers 421 "too many connections" beyond `limit` at once, as relays do."""

    def __init__(self, target_port: int, limit: int):
        self.target_port, self.limit = target_port, limit
        self.active = 0
        self.refused = 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            with self.lock:
                allowed = self.active < self.limit
                if allowed:
                    self.active += 1
                else:
                    self.refused += 1
            if not allowed:
                client.sendall(b"421 4.7.0 Too many connections, try again later\r\n")
                client.close()
                continue
            threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client):
        upstream = socket.create_connection(("127.0.0.1", self.target_port))

        def copy(source, target):
            try:
                while data := source.recv(65536):
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for sock in (source, target):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        back = threading.Thread(target=copy, args=(upstream, client), daemon=True)
        back.start()
        copy(client, upstream)
        back.join(5)
        client.close()
        upstream.close()
        with self.lock:
            self.active -= 1

    def close(self):
        self.closed = True
        self.listener.close()


def test_connections_run_at_once_at_a_relays_latency(sender, smtp_sink, relay, smtp_settings):
    smtp_settings.MAIL_SMTP_CONNECTIONS = 8
    relay.latency = 0.2
    contacts = make_contacts(24)
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts))

    started = time.monotonic()
    result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-lanes")
    elapsed = time.monotonic() - started

    assert (result.accepted, result.connections) == (24, 8)
    assert sorted(smtp_sink.recipients()) == sorted(c.email for c in contacts)
    assert len(relay.peers) == 8 and relay.most_busy > 4
    assert elapsed < 24 * 0.2 / 2, elapsed  # one connection would need 4.8 s
    assert statuses(mailing) == {Status.ACCEPTED: 24}


def test_8bitmime_sends_bodies_unencoded_and_without_it_quoted_printable(sender, smtp_sink, relay, smtp_settings):
    contacts = make_contacts(2)
    first = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts[:1], locales=("de",)))
    message_batch_send(mailing_id=first.pk, worker_task_id="task-8bit")
    smtp_settings.MAIL_SMTP_8BITMIME = False
    second = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts[1:], locales=("de",)))
    message_batch_send(mailing_id=second.pk, worker_task_id="task-7bit")

    eight, seven = smtp_sink.received
    assert relay.mail_options == [["BODY=8BITMIME"], []]
    assert b"Content-Transfer-Encoding: 8bit" in eight.data and b"quoted-printable" not in eight.data
    assert b"Content-Transfer-Encoding: quoted-printable" in seven.data and seven.data.isascii()
    for received, contact in ((eight, contacts[0]), (seven, contacts[1])):
        body = " ".join(received.message.get_body(("html",)).get_content().split())  # as the reader sees it
        assert "Die Industriedialoge gehen weiter" in body and contact.email in body


def test_pipelining_sends_the_envelope_in_one_write_and_refusals_still_count(sender, smtp_sink, relay, smtp_settings):
    relay.pipelining = True
    contacts = make_contacts(4)
    smtp_sink.answer_550(contacts[1].email)
    smtp_sink.answer_451(contacts[2].email)
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts))

    with pytest.raises(TransientDeliveryError, match="451"):
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-pipe")
    message_batch_send(mailing_id=mailing.pk, worker_task_id="task-pipe")

    assert sorted(smtp_sink.recipients()) == sorted([contacts[0].email, contacts[2].email, contacts[3].email])
    assert statuses(mailing) == {Status.ACCEPTED: 3, Status.BOUNCED: 1}
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT


def test_a_relay_refusing_connections_beyond_two_gets_everything_over_two(sender, smtp_sink, smtp_settings):
    front = ConnectionLimit(smtp_sink.port, limit=2)
    smtp_settings.MAIL_SMTP_PORT = front.port
    smtp_settings.MAIL_SMTP_CONNECTIONS = 6
    contacts = make_contacts(12)
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts))
    try:
        result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-421")
    finally:
        front.close()

    assert front.refused == 4
    assert result.accepted == 12 and sorted(smtp_sink.recipients()) == sorted(c.email for c in contacts)
    assert statuses(mailing) == {Status.ACCEPTED: 12}


def test_a_connection_dropped_mid_data_defers_only_its_message(sender, smtp_sink, relay, smtp_settings):
    smtp_settings.MAIL_SMTP_CONNECTIONS = 3
    contacts = make_contacts(9)
    relay.drop.add(contacts[4].email)
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts))

    with pytest.raises(TransientDeliveryError, match="1 message"):
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-drop")

    dropped = Message.objects.get(mailing=mailing, email=contacts[4].email)
    assert (dropped.status, dropped.attempts) == (Status.QUEUED, 1) and "connection lost" in dropped.last_error
    assert statuses(mailing) == {Status.ACCEPTED: 8, Status.QUEUED: 1}
    retry = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-drop")
    assert retry.accepted == 1
    assert sorted(smtp_sink.recipients()) == sorted(c.email for c in contacts)  # each exactly once


def test_a_stalled_relay_costs_one_message_a_timeout_and_the_rest_goes_on(sender, smtp_sink, relay, smtp_settings):
    smtp_settings.MAIL_SMTP_CONNECTIONS = 3
    smtp_settings.MAIL_SMTP_TIMEOUT = 1
    contacts = make_contacts(9)
    relay.stall[contacts[1].email] = 2.5
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts))

    started = time.monotonic()
    with pytest.raises(TransientDeliveryError, match="1 message"):
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-stall")

    assert time.monotonic() - started < 2.4
    stalled = Message.objects.get(mailing=mailing, email=contacts[1].email)
    assert stalled.status == Status.QUEUED and "timed out" in stalled.last_error
    assert statuses(mailing) == {Status.ACCEPTED: 8, Status.QUEUED: 1}
    assert contacts[1].email not in smtp_sink.recipients() and len(smtp_sink.recipients()) == 8


class _ThrottlingSES(BaseHTTPRequestHandler):
    """SES v2 SendEmail: Throttling for the addresses in `throttled`, a MessageId for everyone else."""

    throttled: ClassVar[set[str]] = set()
    accepted: ClassVar[list[str]] = []
    busy: ClassVar[list[int]] = [0, 0]  # now, most at once
    lock = threading.Lock()

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        [recipient] = request["Destination"]["ToAddresses"]
        with self.lock:
            self.busy[0] += 1
            self.busy[1] = max(self.busy)
        time.sleep(0.05)  # an API call's latency: lanes overlap
        with self.lock:
            self.busy[0] -= 1
        if recipient in self.throttled:
            body, status = json.dumps({"message": "Maximum sending rate exceeded."}).encode(), 400
        else:
            with self.lock:
                self.accepted.append(recipient)
                number = len(self.accepted)
            body, status = json.dumps({"MessageId": f"0100-stub-{number}"}).encode(), 200
        self.send_response(status)
        if status != 200:
            self.send_header("x-amzn-ErrorType", "Throttling")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_ses_throttling_defers_that_message_and_the_other_lanes_go_on(mail_settings, aws_credentials, sender):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ThrottlingSES)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    mail_settings.MAIL_BACKEND = "ses"
    mail_settings.MAIL_SES_REGION = "eu-central-1"
    mail_settings.MAIL_SES_ENDPOINT_URL = f"http://127.0.0.1:{server.server_port}"
    mail_settings.MAIL_SES_CONNECTIONS = 4
    contacts = make_contacts(12, prefix="ses-lane")
    _ThrottlingSES.throttled = {contacts[3].email}
    _ThrottlingSES.accepted = []
    _ThrottlingSES.busy = [0, 0]
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts, locales=("de",)))
    try:
        with pytest.raises(TransientDeliveryError, match="Throttling"):
            message_batch_send(mailing_id=mailing.pk, worker_task_id="task-ses-lanes")
    finally:
        server.shutdown()
        server.server_close()

    assert sorted(_ThrottlingSES.accepted) == sorted(c.email for c in contacts if c != contacts[3])
    assert statuses(mailing) == {Status.ACCEPTED: 11, Status.QUEUED: 1}
    assert _ThrottlingSES.busy[1] > 1  # concurrent calls through the one client
    provider_ids = set(Message.objects.filter(mailing=mailing, status=Status.ACCEPTED)
                       .values_list("provider_message_id", flat=True))
    assert len(provider_ids) == 11



@pytest.mark.parametrize(("backend", "connections", "configured", "expected"), [
    ("smtp", 8, 0, 400),     # the default: 50 messages per connection a batch opens
    ("smtp", 16, 0, 800),
    ("smtp", 2, 0, 200),     # never fewer than 200
    ("outbox", 8, 0, 200),   # the outbox writes files over one lane
    ("smtp", 16, 37, 37),    # MAIL_BATCH_SIZE wins when set
])
def test_a_batch_claims_fifty_messages_per_connection_unless_the_size_is_set(settings, backend, connections,
                                                                              configured, expected):
    from outreach.services.sending import batch_size_default

    settings.MAIL_BACKEND = backend
    settings.MAIL_SMTP_CONNECTIONS = connections
    settings.MAIL_BATCH_SIZE = configured
    assert batch_size_default() == expected
