"""The send benchmark's moving parts: a counting SMTP sink, worker processes, memory sampling, and the mailing
(its throwaway database, the contacts on one list, the newsletter body)."""

import asyncio
import collections
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from benchmarks.contacts import ThrowawayPostgres


logger = logging.getLogger("benchmarks.send")

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKER_STOP_GRACE_S = 3.0
MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)
KOMBU_KEYS = re.compile(r"^(_kombu\..*|default|unacked|unacked_index|unacked_mutex|celery.*)$")


class CountingHandler:
    """Counts Message-IDs; keeps one message's bytes as the baseline's template, nothing else.

    latency_s: how long it waits before answering each message's end of data, as a remote relay
    does (the wait is asyncio's, so other connections are served meanwhile). For every Message-ID
    it keeps the connections (client ports) that delivered it, so a duplicate names its connection.
    """

    def __init__(self, *, latency_s: float = 0.0):
        self.lock = threading.Lock()
        self.latency_s = latency_s
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.ids: collections.Counter = collections.Counter()
            self.first_peer: dict[str, int] = {}
            self.duplicate_peers: collections.Counter = collections.Counter()  # first copy's connection
            self.peers: set[int] = set()
            self.count = 0
            self.without_id = 0
            self.first_at: float | None = None
            self.last_at: float | None = None
            self.sample: bytes | None = None

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        head = data[: data.find(b"\r\n\r\n") + 2] if b"\r\n\r\n" in data else data[:8192]
        match = MESSAGE_ID.search(head)
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        now = time.monotonic()
        peer = session.peer[1] if isinstance(session.peer, tuple) else 0
        with self.lock:
            self.count += 1
            self.peers.add(peer)
            if match:
                message_id = match.group(1).decode()
                self.ids[message_id] += 1
                if message_id in self.first_peer:
                    self.duplicate_peers[self.first_peer[message_id]] += 1
                else:
                    self.first_peer[message_id] = peer
            else:
                self.without_id += 1
            if self.first_at is None:
                self.first_at = now
            self.last_at = now
            if self.sample is None:
                self.sample = bytes(data)
            count = self.count
        return f"250 2.0.0 Ok: queued as B{count:06d}"

    def snapshot(self) -> tuple[int, float | None]:
        with self.lock:
            return self.count, self.last_at


class _AnyPortController(Controller):
    """Port 0: the OS picks a free port, read back before aiosmtpd's readiness check connects to it."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


# --- Redis -------------------------------------------------------------------------------

def broker_purge(url: str) -> int:
    """Empty the broker's Redis database; refuse if it holds anything but Celery/kombu keys."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = [key.decode() for key in client.keys("*")]
        foreign = [key for key in keys if not KOMBU_KEYS.match(key)]
        if foreign:
            raise SystemExit(f"{url} holds keys that are not Celery's ({foreign[:5]}); use a free Redis database.")
        if keys:
            client.delete(*keys)
        return len(keys)
    finally:
        client.close()


# --- Workers -----------------------------------------------------------------------------

class Worker:
    """`celery -A cms worker` in its own process group, logging to a file."""

    def __init__(self, *, number: int, env: dict, log_dir: Path, concurrency: int):
        self.number = number
        self.env = env
        self.concurrency = concurrency
        self.log_path = log_dir / f"worker-{number}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        command = [sys.executable, "-m", "celery", "-A", "cms", "worker", "--concurrency", str(self.concurrency),
                   "--pool", "prefork", "-n", f"bench{self.number}-{os.getpid()}@%h", "-l", "info",
                   "--without-gossip", "--without-mingle", "--without-heartbeat"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=REPO_ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        logger.info("worker %s: pid %s", self.number, self.process.pid)
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker {self.number} exited early:\n{self.log_tail()}")
            if b" ready." in self.log_path.read_bytes():
                return
            time.sleep(0.1)
        raise RuntimeError(f"worker {self.number} not ready after {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def pids(self) -> list[int]:
        """The worker and all its descendants (the pool children)."""
        if self.process is None or self.process.poll() is not None:
            return []
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                todo.extend(int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
            except OSError:
                pass
        return found

    def kill(self, target: str) -> list[int]:
        """SIGKILL the whole process group, or one pool child. Returns the killed pids."""
        if target == "child":
            children = self.pids()[1:]
            if children:
                os.kill(children[0], signal.SIGKILL)
                return children[:1]
        killed = self.pids()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        return killed

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=WORKER_STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # also pool children the main process left behind
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pid: int) -> int:
    """Proportional set size: shared (copy-on-write) pages counted once across the pool."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RSSSampler(threading.Thread):
    """Samples VmRSS of every worker process every interval: the peak sum per worker and the peak process;
    PSS every pss_interval. Reading smaps_rollup walks each process's memory map under its lock: every
    0.2 s it took about 8% of a core from this process, the sink's, during the engine's run only."""

    def __init__(self, workers: list[Worker], interval: float = 0.2, pss_interval: float = 1.0):
        super().__init__(daemon=True)
        self.workers, self.interval = workers, interval
        self.peak_worker_kb = 0
        self.peak_process_kb = 0
        self.peak_worker_pss_kb = 0
        # The first sample, taken before anything is sent: growth with the number of recipients shows against it.
        self.first_worker_pss_kb: int | None = None
        self.pss_interval = pss_interval
        self.stopped = threading.Event()

    def run(self) -> None:
        pss_due = 0.0
        while not self.stopped.is_set():
            with_pss = time.monotonic() >= pss_due
            if with_pss:
                pss_due = time.monotonic() + self.pss_interval
            for worker in list(self.workers):
                sizes = [rss_kb(pid) for pid in worker.pids()]
                if sizes:
                    self.peak_worker_kb = max(self.peak_worker_kb, sum(sizes))
                    self.peak_process_kb = max(self.peak_process_kb, max(sizes))
                    if not with_pss:
                        continue
                    pss = sum(pss_kb(p) for p in worker.pids())
                    if self.first_worker_pss_kb is None:
                        self.first_worker_pss_kb = pss
                    self.peak_worker_pss_kb = max(self.peak_worker_pss_kb, pss)
            self.stopped.wait(self.interval)


# --- Content -----------------------------------------------------------------------------


PARAGRAPHS = [
    "Die Industrie in Nordrhein-Westfalen steht vor großen Veränderungen: Energiewende, Digitalisierung und der "
    "Fachkräftemangel fordern Unternehmen, Gewerkschaften und Politik gleichermaßen heraus.",
    "Beim Industriedialog in Krefeld diskutierten über zweihundert Gäste, wie Wertschöpfung und Beschäftigung in der "
    "Region gesichert werden können. Die Ergebnisse fassen wir für Sie zusammen.",
    "Grüne Wärme für die Chemieparks, Wasserstoff für die Stahlwerke und schnellere Genehmigungen für neue Anlagen: "
    "Die Teilnehmerinnen und Teilnehmer waren sich über die Prioritäten bemerkenswert einig.",
    "Für Rückfragen stehen Ihnen unsere Ansprechpartnerinnen und Ansprechpartner in der Pressestelle gern zur "
    "Verfügung. Fotos der Veranstaltung dürfen Sie unter Angabe der Quelle honorarfrei verwenden.",
]


def newsletter_html(target_bytes: int = 30_000, links: int = 10) -> str:
    """About target_bytes of German newsletter HTML with `links` distinct links and merge fields."""
    head = ("<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Newsletter</title></head>"
            "<body style=\"font-family: Arial, sans-serif; color: #222;\">"
            "<p>{{ salutation }}</p><p>heute erhalten Sie, {{ first_name }} {{ last_name }}, unseren Newsletter.</p>")
    sections, number = [], 0
    while len(head) + sum(len(s.encode()) for s in sections) < target_bytes - 200:
        text = PARAGRAPHS[number % len(PARAGRAPHS)]
        if number < links:
            link = (f"<p><a href=\"https://www.zukunft-der-industrie.de/aktuelles/beitrag-{number + 1}\" "
                    f"style=\"color: #0a5;\">Weiterlesen: Beitrag {number + 1}</a></p>")
        else:
            link = ""
        sections.append(f"<table role=\"presentation\" width=\"100%\"><tr><td style=\"padding: 12px 24px;\">"
                        f"<h2>Thema {number + 1}: Wandel gestalten</h2><p>{text}</p>{link}</td></tr></table>")
        number += 1
    if number < links:
        raise ValueError("target size too small for the links")
    return head + "".join(sections) + "</body></html>"


# --- The mailing: its own database, N contacts on one list, the newsletter body ------------

CREATE_CHUNK = 5000


class ThrowawaySendDatabase(ThrowawayPostgres):
    def __init__(self, base_url: str):
        super().__init__(base_url)
        old, self.name = self.name, f"dialogdesk_bench_send_{os.getpid()}"
        self.url = self.url.replace(f"/{old}", f"/{self.name}")


def create_mailing(*, recipients: int):
    from outreach.models import Contact, ContactList, ListMembership, Mailing, MailingContent, SenderIdentity
    from outreach.models import email_hash

    started = time.perf_counter()
    sender = SenderIdentity.objects.create(
        label="Pressestelle", from_name="Bündnis Zukunft der Industrie", from_email="presse@dialogdesk.test",
        reply_to_email="antwort@dialogdesk.test",
        imprint="Bündnis Zukunft der Industrie\nWilhelmstraße 1, 10117 Berlin\nV.i.S.d.P.: Erika Muster",
    )
    contact_list = ContactList.objects.create(name="Benchmark-Verteiler")
    first_names = ["Anna", "Jürgen", "Özlem", "Björn", "Marie", "Lukas", "Grete", "Hans-Peter"]
    last_names = ["Müller", "Schmidt", "Weiß", "Öztürk", "Groß", "Becker", "Lüdenscheidt", "Klein"]
    for start in range(0, recipients, CREATE_CHUNK):
        contacts = []
        for number in range(start, min(recipients, start + CREATE_CHUNK)):
            email = f"empfaenger{number}@example{number % 50}.de"
            contacts.append(Contact(
                email=email, email_hash=email_hash(email), language="de", source="benchmark",
                salutation=("ms", "mr", "")[number % 3], first_name=first_names[number % 8],
                last_name=last_names[(number // 8) % 8],
            ))
        created = Contact.objects.bulk_create(contacts)
        ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact=c) for c in created])
    mailing = Mailing.objects.create(title="Newsletter Industriedialog", sender=sender, track_clicks=True)
    html = newsletter_html()
    MailingContent.objects.create(mailing=mailing, locale="de", subject="Newsletter: Der Industriedialog geht weiter",
                                  preheader="Ergebnisse aus Krefeld", body_html=html)
    mailing.lists.add(contact_list)
    logger.info("created %s contacts and the mailing in %.1f s (body %d bytes)",
                recipients, time.perf_counter() - started, len(html.encode()))
    return mailing, len(html.encode())
