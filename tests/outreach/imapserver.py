"""A real IMAP server for the poller's tests: Debian's Dovecot, run privately as a subprocess.

Everything lives in a temporary directory: the config, base_dir (sockets, pid),
state, the log, a passwd-file of test users and their Maildirs. It listens on
127.0.0.1 on a free port, plain IMAP with clear-text login (ssl = no), so the
poller connects with MAIL_IMAP_SECURITY=none. Mail is put into a mailbox with
APPEND, as a mail client or delivery agent would. Without Dovecot the fixture
skips, or fails when DIALOGDESK_REQUIRE_SERVICES=1 (as in CI).

As root, Dovecot refuses to run its login process or mail access as root, so it
uses Debian's dovecot/dovenull users for its own processes and nobody for the
Maildirs; as anyone else, everything runs as that user.
"""

import grp
import imaplib
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.service_env import skip_or_fail

PASSWORD = "imap-test-password"
USERS = 200
_users = itertools.count(1)


def dovecot_binary() -> str | None:
    # /usr/sbin is not on a non-root user's PATH on Debian.
    return shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")


def self_signed_certificate(host: str, key_path: Path) -> bytes:
    """A certificate for host (PEM), its key written to key_path."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return certificate.public_bytes(serialization.Encoding.PEM)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = dialogdesk-test-{port}
log_path = {root}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {mail_uid}
last_valid_uid = 0
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class Account:
    """One mailbox user on the server, with the few client operations the tests need."""

    host: str
    port: int
    user: str
    password: str = PASSWORD

    def client(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4(self.host, self.port, timeout=5)
        connection.login(self.user, self.password)
        return connection

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        connection = self.client()
        try:
            typ, data = connection.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            connection.logout()

    def folders(self) -> list[str]:
        connection = self.client()
        try:
            _typ, lines = connection.list()
        finally:
            connection.logout()
        return sorted(line.decode().rsplit(" ", 1)[1].strip('"') for line in lines if line)

    def messages(self, folder: str = "INBOX") -> list[dict]:
        """[{uid, flags, raw}] of the mail in folder, read without marking it seen."""
        connection = self.client()
        try:
            typ, data = connection.select(folder, readonly=True)
            assert typ == "OK", data
            _typ, data = connection.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
        finally:
            connection.logout()
        result = []
        for item in data:
            if isinstance(item, tuple):
                head = item[0].decode()
                result.append({"uid": int(re.search(r"UID (\d+)", head).group(1)),
                               "flags": set(re.search(r"FLAGS \(([^)]*)\)", head).group(1).split()),
                               "raw": item[1]})
        return result


class DovecotServer:
    """With tls=True it also listens for IMAPS (imaps_port) and offers STARTTLS, with a self-signed
    certificate for localhost (cert_path) that no client trusts unless told to."""

    def __init__(self, binary: str, *, tls: bool = False):
        self.binary = binary
        self.tls = tls
        self.root = Path(tempfile.mkdtemp(prefix="dialogdesk-dovecot-"))
        self.port = _free_port()
        self.imaps_port = _free_port() if tls else 0
        self.cert_path = self.root / "cert.pem"
        self.process: subprocess.Popen | None = None

    def _config(self) -> str:
        if os.getuid() == 0:
            internal_user, internal_group, login_user = "dovecot", "dovecot", "dovenull"
            mail_user = pwd.getpwnam("nobody")
        else:
            mail_user = pwd.getpwuid(os.getuid())
            internal_user = login_user = mail_user.pw_name
            internal_group = grp.getgrgid(os.getgid()).gr_name
        mail_dir = self.root / "mail"
        mail_dir.mkdir()
        if os.getuid() == 0:
            self.root.chmod(0o755)  # Dovecot's unprivileged processes reach base_dir and the Maildirs through it
            os.chown(mail_dir, mail_user.pw_uid, mail_user.pw_gid)
        ssl = "ssl = no"
        if self.tls:
            key_path = self.root / "key.pem"
            self.cert_path.write_bytes(self_signed_certificate("localhost", key_path))
            ssl = f"ssl = yes\nssl_cert = <{self.cert_path}\nssl_key = <{key_path}"
        return CONFIG.format(root=self.root, port=self.port, imaps_port=self.imaps_port, ssl=ssl,
                             internal_user=internal_user,
                             internal_group=internal_group, login_user=login_user,
                             mail_uid=mail_user.pw_uid, mail_gid=mail_user.pw_gid)

    def start(self) -> "DovecotServer":
        (self.root / "dovecot.conf").write_text(self._config())
        # Written once, before the start: Dovecot re-reads a changed passwd-file at most once a second.
        (self.root / "passwd").write_text("".join(f"poller{n}:{{PLAIN}}{PASSWORD}::::::\n"
                                                  for n in range(1, USERS + 1)))
        with open(self.root / "output.log", "wb") as output:  # errors from before the log file is open
            self.process = subprocess.Popen([self.binary, "-F", "-c", str(self.root / "dovecot.conf")],
                                            stdout=output, stderr=subprocess.STDOUT)
        self._wait_for_greeting(timeout=15)
        return self

    def _wait_for_greeting(self, *, timeout: float) -> None:
        # The port opens before the login process is ready; the "* OK" greeting means it is.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited with {self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if probe.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot did not greet on 127.0.0.1:{self.port} within {timeout} s\n{self.log()}")

    def log(self) -> str:
        paths = (self.root / "output.log", self.root / "dovecot.log")
        return "".join(path.read_text(errors="replace") for path in paths if path.exists())

    def account(self) -> Account:
        """A user of its own, with an empty mailbox: each test gets its own Maildir on the one server."""
        number = next(_users)
        assert number <= USERS, f"only {USERS} test users in the passwd-file"
        return Account(host="127.0.0.1", port=self.port, user=f"poller{number}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # the master stops its children on SIGTERM
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def _dovecot_or_skip() -> str:
    binary = dovecot_binary()
    if binary is None:
        skip_or_fail("needs Dovecot (Debian: apt-get install dovecot-imapd) and it is not installed")
    return binary


@pytest.fixture(scope="module")
def dovecot():
    server = DovecotServer(_dovecot_or_skip()).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def dovecot_tls():
    server = DovecotServer(_dovecot_or_skip(), tls=True).start()
    yield server
    server.stop()


@pytest.fixture
def imap_account(dovecot) -> Account:
    return dovecot.account()


@pytest.fixture
def imap_settings(settings, imap_account):
    """The poller pointed at this test's own mailbox, plain IMAP on loopback."""
    settings.MAIL_IMAP_HOST = imap_account.host
    settings.MAIL_IMAP_PORT = imap_account.port
    settings.MAIL_IMAP_SECURITY = "none"
    settings.MAIL_IMAP_USER = imap_account.user
    settings.MAIL_IMAP_PASSWORD = imap_account.password
    settings.MAIL_IMAP_FOLDER = "INBOX"
    settings.MAIL_IMAP_PROCESSED_FOLDER = "Dialogdesk/Processed"
    settings.MAIL_IMAP_TIMEOUT = 5
    settings.MAIL_IMAP_BATCH = 500
    return settings
