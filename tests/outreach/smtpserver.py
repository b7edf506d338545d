"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it receives.

It can refuse chosen recipients at RCPT: with 451 (try again; once by
default, then it accepts) or with 550 (no such user). An optional hook runs
(in a worker thread, so it may use the ORM) after each accepted message.
"""

import asyncio
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


class RecordingHandler:
    def __init__(self):
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.temporary: dict[str, int] = {}  # address -> how many more times to answer 451
        self.permanent: set[str] = set()
        self.after_accept = None  # callable(number of messages received so far), run off the event loop

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        address = address.lower()
        if address in self.permanent:
            return "550 5.1.1 No such user here"
        with self.lock:
            if self.temporary.get(address, 0) > 0:
                self.temporary[address] -= 1
                return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
            count = len(self.received)
        if self.after_accept is not None:
            await asyncio.to_thread(self.after_accept, count)
        return f"250 2.0.0 Ok: queued as Q{count:05d}"


class _AnyPortController(Controller):
    """Controller on port 0: the OS picks a free port, read back before aiosmtpd's readiness check uses it."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SMTPSink:
    def __init__(self):
        self.handler = RecordingHandler()
        self.controller = _AnyPortController(self.handler, hostname="127.0.0.1", port=0)

    def start(self) -> "SMTPSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def recipients(self) -> list[str]:
        return [rcpt for item in self.received for rcpt in item.rcpt_tos]

    def answer_451(self, address: str, times: int = 1) -> None:
        self.handler.temporary[address.lower()] = times

    def answer_550(self, address: str) -> None:
        self.handler.permanent.add(address.lower())
