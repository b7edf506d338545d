"""A real HTTP receiver on 127.0.0.1 for webhook tests.

It records every request and answers from a script: each request takes the
next scripted behaviour, and once the script is used up every request gets
the default one. Behaviours: an HTTP status code (200, 500, 410, ...),
"garbage" (bytes that are not HTTP at all), ("slow", seconds) to sleep
before answering 200 (longer than the client's read timeout, so it gives up),
or ("body", status, bytes) to answer with that status and an HTML body.
"""

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    server: ThreadingHTTPServer = None
    requests: list = field(default_factory=list)
    script: deque = field(default_factory=deque)
    default: object = 200
    received: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def answer(self, *behaviours, default=None) -> None:
        """Answer the next requests with these behaviours, then with the default."""
        self.script.extend(behaviours)
        if default is not None:
            self.default = default

    def next_behaviour(self):
        try:
            return self.script.popleft()
        except IndexError:
            return self.default

    def record(self, request: ReceivedRequest) -> None:
        with self.received:
            self.requests.append(request)
            self.received.notify_all()

    def wait_for(self, count: int, timeout: float = 5.0) -> list:
        """Block until `count` requests have arrived (a worker thread posts them)."""
        with self.received:
            self.received.wait_for(lambda: len(self.requests) >= count, timeout=timeout)
        return list(self.requests)


class _Handler(BaseHTTPRequestHandler):
    receiver: WebhookReceiver  # set on the per-server subclass

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.receiver.record(ReceivedRequest("POST", self.path, dict(self.headers.items()), body))
        behaviour = self.receiver.next_behaviour()
        if behaviour == "garbage":
            self.wfile.write(b"\x00\xffthis is not HTTP\r\n\r\n")
            self.close_connection = True
            return
        content_type = "application/json"
        if isinstance(behaviour, tuple) and behaviour[0] == "slow":
            time.sleep(behaviour[1])
            behaviour = 200
        if isinstance(behaviour, tuple) and behaviour[0] == "body":
            _body, behaviour, reply = behaviour
            content_type = "text/html"
        else:
            reply = json.dumps({"status": behaviour}).encode()
        self.send_response(behaviour)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format, *args):  # keep test output clean
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a slow handler must not hold up shutdown
    block_on_close = False


def start_receiver() -> WebhookReceiver:
    receiver = WebhookReceiver()
    handler = type("Handler", (_Handler,), {"receiver": receiver})
    receiver.server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=receiver.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return receiver


def stop_receiver(receiver: WebhookReceiver) -> None:
    receiver.server.shutdown()
    receiver.server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
