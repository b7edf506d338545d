"""An IMAP mailbox as the poller sees it: connect, list the waiting mail, fetch it, put it away.

stdlib imaplib only. Every command names messages by UID (UID SEARCH, FETCH, STORE, MOVE,
EXPUNGE): sequence numbers shift whenever another client expunges, a UID does not.
No database here; outreach.services.inbound_imap decides what happens to the mail.
"""

import imaplib
import re
import ssl
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SECURITY_CHOICES = ("ssl", "starttls", "none")
# Only here may the password and the mail cross the wire unencrypted: the bytes never leave the machine.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

_LIST_LINE = re.compile(rb'^\((?P<flags>[^)]*)\) (?:"(?P<delimiter>[^"]*)"|NIL) ')


class ImapError(Exception):
    """The server answered NO or BAD to a command the poller cannot do without."""


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    user: str
    password: str
    security: str
    folder: str
    processed_folder: str  # empty: delete processed mail instead of moving it
    timeout: float
    batch: int

    @classmethod
    def from_settings(cls) -> "ImapConfig":
        security = getattr(settings, "MAIL_IMAP_SECURITY", "ssl")
        return cls(
            host=getattr(settings, "MAIL_IMAP_HOST", ""),
            port=int(getattr(settings, "MAIL_IMAP_PORT", 0) or (993 if security == "ssl" else 143)),
            user=getattr(settings, "MAIL_IMAP_USER", ""),
            password=getattr(settings, "MAIL_IMAP_PASSWORD", ""),
            security=security,
            folder=getattr(settings, "MAIL_IMAP_FOLDER", "INBOX") or "INBOX",
            processed_folder=getattr(settings, "MAIL_IMAP_PROCESSED_FOLDER", "Dialogdesk/Processed"),
            timeout=float(getattr(settings, "MAIL_IMAP_TIMEOUT", 30.0)),
            batch=int(getattr(settings, "MAIL_IMAP_BATCH", 500)),
        )


def imap_security_check(*, host: str, security: str) -> None:
    """Raises ImproperlyConfigured for an unknown mode, or for "none" towards anything but this machine."""
    if security not in SECURITY_CHOICES:
        raise ImproperlyConfigured(f"MAIL_IMAP_SECURITY must be 'ssl', 'starttls' or 'none', not {security!r}.")
    if security == "none" and host.strip("[]").lower() not in LOCAL_HOSTS:
        raise ImproperlyConfigured(
            f"MAIL_IMAP_SECURITY=none sends the IMAP password in clear text; it is allowed only for "
            f"127.0.0.1, ::1 or localhost, not {host!r}. Use 'ssl' or 'starttls'.")


def _check(response: tuple, what: str) -> list:
    typ, data = response
    if typ != "OK":
        detail = b" ".join(item for item in data if isinstance(item, bytes)).decode("utf-8", "replace")
        raise ImapError(f"IMAP {what}: {typ} {detail}".strip())
    return data


def quote(name: str) -> str:
    """A mailbox name as an IMAP quoted string (imaplib sends arguments as they are)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Mailbox:
    """One logged-in connection with one folder selected read-write."""

    def __init__(self, connection: imaplib.IMAP4, *, folder: str):
        self.connection = connection
        self.folder = folder
        # imaplib keeps the capabilities of the greeting; MOVE and UIDPLUS are often announced only
        # once logged in.
        data = _check(connection.capability(), "CAPABILITY")
        self.capabilities = {word.upper() for line in data if line for word in line.decode().split()}
        self.delimiter = self._delimiter()

    def _delimiter(self) -> str | None:
        # LIST "" "" answers with the hierarchy delimiter alone: "/" on many servers, "." on others.
        for line in _check(self.connection.list('""', '""'), "LIST"):
            match = _LIST_LINE.match(line or b"")
            if match:
                return match.group("delimiter").decode() if match.group("delimiter") else None
        return None

    def server_name(self, name: str) -> str:
        """A configured folder name ("Dialogdesk/Processed") in this server's terms.

        "/" in the setting separates levels and becomes the server's delimiter. Names are ASCII: the
        modified UTF-7 that IMAP needs for anything else has no codec in the standard library.
        """
        if not name.isascii():
            raise ImproperlyConfigured(f"IMAP folder names must be ASCII, not {name!r}.")
        if self.delimiter and self.delimiter != "/":
            name = name.replace("/", self.delimiter)
        return name.replace("&", "&-")  # "&" starts a modified UTF-7 sequence; "&-" is a literal "&"

    def folder_ensure(self, name: str) -> str:
        """The folder's server name, created (and subscribed, so mail clients show it) when missing."""
        server_name = self.server_name(name)
        listed = _check(self.connection.list('""', quote(server_name)), "LIST")
        if not any(listed):
            _check(self.connection.create(quote(server_name)), f"CREATE {server_name}")
            self.connection.subscribe(quote(server_name))  # cosmetic; a server without it still works
        return server_name

    def select(self) -> None:
        _check(self.connection.select(quote(self.server_name(self.folder))), f"SELECT {self.folder}")

    def waiting_uids(self, *, limit: int) -> list[int]:
        """UIDs of the mail in the folder, oldest first, at most limit.

        Everything not deleted, read or not: processed mail leaves the folder, so what is here is
        waiting, including mail someone opened in a mail client.
        """
        data = _check(self.connection.uid("SEARCH", "UNDELETED"), "UID SEARCH")
        uids = sorted(int(uid) for line in data if line for uid in line.split())
        return uids[:limit]

    def fetch(self, uid: int) -> bytes | None:
        """The whole mail as the server stores it; None when it is gone. PEEK leaves it unread."""
        data = _check(self.connection.uid("FETCH", str(uid), "(BODY.PEEK[])"), f"UID FETCH {uid}")
        for item in data:
            if isinstance(item, tuple) and b"BODY[]" in item[0].upper():
                return item[1]
        return None

    def move(self, uid: int, server_folder: str) -> None:
        if "MOVE" in self.capabilities:
            _check(self.connection.uid("MOVE", str(uid), quote(server_folder)), f"UID MOVE {uid}")
            return
        _check(self.connection.uid("COPY", str(uid), quote(server_folder)), f"UID COPY {uid}")
        self._expunge(uid, r"(\Deleted)")

    def delete(self, uid: int) -> None:
        self._expunge(uid, r"(\Seen \Deleted)")

    def _expunge(self, uid: int, flags: str) -> None:
        _check(self.connection.uid("STORE", str(uid), "+FLAGS.SILENT", flags), f"UID STORE {uid}")
        if "UIDPLUS" in self.capabilities:
            _check(self.connection.uid("EXPUNGE", str(uid)), f"UID EXPUNGE {uid}")
        else:
            # Without UIDPLUS, EXPUNGE also removes other mail in the folder that is marked \Deleted;
            # whoever marked it wanted it gone.
            _check(self.connection.expunge(), "EXPUNGE")


def connect(config: ImapConfig) -> imaplib.IMAP4:
    """A logged-in connection. TLS is verified against the system's CA certificates."""
    imap_security_check(host=config.host, security=config.security)
    if config.security == "ssl":
        connection = imaplib.IMAP4_SSL(config.host, config.port, ssl_context=ssl.create_default_context(),
                                       timeout=config.timeout)
    else:
        connection = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
    try:
        if config.security == "starttls":
            connection.starttls(ssl_context=ssl.create_default_context())
        connection.login(config.user, config.password)
    except BaseException:
        try:
            connection.shutdown()
        except OSError:
            pass  # a failed TLS handshake leaves a closed socket; the handshake's error is the one to see
        raise
    return connection


@contextmanager
def mailbox_open(config: ImapConfig):
    """A Mailbox on config.folder; logs out at the end, whatever happened."""
    connection = connect(config)
    try:
        mailbox = Mailbox(connection, folder=config.folder)
        mailbox.select()
        yield mailbox
    finally:
        connection.logout()  # never raises: imaplib closes the socket whatever the server answers
