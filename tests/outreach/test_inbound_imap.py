"""The IMAP poller against a real Dovecot: mail in the inbox is processed once, then put away; mail that
fails stays, unread; two runs never overlap; off without a host; no clear text to a remote server."""

import io
import json
import ssl
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command

from outreach.inbound.imap import ImapConfig, imap_security_check, mailbox_open
from outreach.models import ActivityEvent, InboundMessage, Message, MessageEvent
from outreach.services.inbound import inbound_process
from outreach.services.inbound_imap import LOCK_KEY, imap_poll
from tests.outreach.imapserver import dovecot, dovecot_tls, imap_account, imap_settings  # noqa: F401
from tests.outreach.inbound_fixtures import inbound_storage, sample, sent_messages  # noqa: F401
from tests.outreach.sending_fixtures import mail_settings, sender  # noqa: F401

pytestmark = pytest.mark.django_db

# Dovecot's Maildir separates levels with ".": the setting's "/" becomes that.
PROCESSED = "Dialogdesk.Processed"


def _message_id(raw: bytes) -> str:
    for line in raw.splitlines():
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode()
    return ""


def test_a_bounce_and_a_reply_are_processed_and_moved(sent_messages, imap_settings, imap_account):
    imap_account.deliver(sample("postfix_hard.eml"))
    imap_account.deliver(sample("reply_german.eml"))

    summary = imap_poll()

    assert summary == {"fetched": 2, "processed": 2, "failed": 0, "duplicates": 0,
                       "kinds": {"bounce": 1, "reply": 1}, "skipped": None}
    bounced = Message.objects.get(pk=sent_messages["postfix_hard.eml"].pk)
    assert bounced.status == Message.Status.BOUNCED
    replied = sent_messages["reply_german.eml"]
    reply = InboundMessage.objects.get(kind="reply")
    assert (reply.message, reply.source) == (replied, "imap")
    assert "vielen Dank für die Einladung" in reply.text
    assert replied.events.filter(kind=MessageEvent.Kind.REPLY).count() == 1
    assert replied.contact.activity.filter(kind=ActivityEvent.Kind.REPLIED).exists()
    assert imap_account.messages("INBOX") == []
    assert PROCESSED in imap_account.folders()
    moved = imap_account.messages(PROCESSED)
    assert sorted(_message_id(item["raw"]) for item in moved) == sorted(
        _message_id(sample(name)) for name in ("postfix_hard.eml", "reply_german.eml"))


def test_a_second_poll_does_nothing(sent_messages, imap_settings, imap_account):
    imap_account.deliver(sample("ooo_german.eml"))
    assert imap_poll()["processed"] == 1

    again = imap_poll()

    assert (again["fetched"], again["processed"], again["failed"]) == (0, 0, 0)
    assert InboundMessage.objects.count() == 1
    assert len(imap_account.messages(PROCESSED)) == 1


def test_mail_that_fails_stays_unread_and_the_rest_goes_through(sent_messages, imap_settings, imap_account,
                                                                 monkeypatch, tmp_path):
    # Replies keep their raw mail; with the storage's directory blocked by a file, saving it fails
    # (as on a full or read-only disk), while a bounce keeps nothing and goes through.
    (tmp_path / "blocked").write_text("not a directory")
    raw_field = InboundMessage._meta.get_field("raw")
    monkeypatch.setattr(raw_field, "storage", FileSystemStorage(location=str(tmp_path / "blocked" / "private")))
    imap_account.deliver(sample("reply_german.eml"))
    imap_account.deliver(sample("postfix_hard.eml"))

    summary = imap_poll()

    assert (summary["fetched"], summary["processed"], summary["failed"]) == (2, 1, 1)
    assert summary["kinds"] == {"bounce": 1}
    left = imap_account.messages("INBOX")
    assert [_message_id(item["raw"]) for item in left] == [_message_id(sample("reply_german.eml"))]
    assert "\\Seen" not in left[0]["flags"] and "\\Deleted" not in left[0]["flags"]
    assert not InboundMessage.objects.filter(kind="reply").exists()  # rolled back, not half done
    assert Message.objects.get(pk=sent_messages["postfix_hard.eml"].pk).status == Message.Status.BOUNCED

    monkeypatch.setattr(raw_field, "storage", FileSystemStorage(location=str(tmp_path / "fixed")))
    retried = imap_poll()

    assert (retried["processed"], retried["failed"], retried["kinds"]) == (1, 0, {"reply": 1})
    assert InboundMessage.objects.get(kind="reply").message == sent_messages["reply_german.eml"]
    assert imap_account.messages("INBOX") == []


def test_mail_processed_before_a_crash_is_moved_without_acting_twice(sent_messages, imap_settings, imap_account):
    # As if the last run died after inbound_process committed and before the move.
    inbound_process(sample("postfix_hard.eml"), source="imap")
    imap_account.deliver(sample("postfix_hard.eml"))

    summary = imap_poll()

    assert (summary["processed"], summary["duplicates"]) == (1, 1)
    message = sent_messages["postfix_hard.eml"]
    assert message.events.filter(kind=MessageEvent.Kind.BOUNCE).count() == 1
    assert InboundMessage.objects.count() == 1
    assert imap_account.messages("INBOX") == []


def test_a_held_lock_skips_the_run_and_leaves_the_mail(sent_messages, imap_settings, imap_account):
    imap_account.deliver(sample("postfix_hard.eml"))
    assert cache.add(LOCK_KEY, "another run", 60)

    skipped = imap_poll()

    assert skipped["skipped"] == "locked" and skipped["fetched"] == 0
    assert len(imap_account.messages("INBOX")) == 1
    assert cache.get(LOCK_KEY) == "another run"  # not ours to release
    cache.delete(LOCK_KEY)
    assert imap_poll()["processed"] == 1
    assert cache.get(LOCK_KEY) is None  # released after the run


def test_limit_per_run(sent_messages, imap_settings, imap_account):
    for name in ("postfix_hard.eml", "exim_hard.eml", "gmail_hard.eml"):
        imap_account.deliver(sample(name))
    imap_settings.MAIL_IMAP_BATCH = 2

    assert imap_poll()["processed"] == 2
    assert [_message_id(item["raw"]) for item in imap_account.messages("INBOX")] == [
        _message_id(sample("gmail_hard.eml"))]  # oldest first
    assert imap_poll(limit=5)["processed"] == 1


def test_without_a_processed_folder_mail_is_deleted(sent_messages, imap_settings, imap_account):
    imap_settings.MAIL_IMAP_PROCESSED_FOLDER = ""
    imap_account.deliver(sample("arf_complaint.eml"))

    assert imap_poll()["kinds"] == {"complaint": 1}
    assert imap_account.messages("INBOX") == []
    assert imap_account.folders() == ["INBOX"]


def test_move_without_the_move_capability_copies_and_expunges(imap_settings, imap_account):
    imap_account.deliver(sample("unknown.eml"))
    imap_account.deliver(sample("ooo_english.eml"))

    with mailbox_open(ImapConfig.from_settings()) as mailbox:
        mailbox.capabilities.discard("MOVE")  # as on a server without RFC 6851
        folder = mailbox.folder_ensure("Dialogdesk/Processed")
        first, _second = mailbox.waiting_uids(limit=10)
        mailbox.move(first, folder)

    assert [_message_id(item["raw"]) for item in imap_account.messages("INBOX")] == [
        _message_id(sample("ooo_english.eml"))]
    assert [_message_id(item["raw"]) for item in imap_account.messages(PROCESSED)] == [
        _message_id(sample("unknown.eml"))]


def test_off_without_a_host(settings):
    settings.MAIL_IMAP_HOST = ""

    assert imap_poll() == {"fetched": 0, "processed": 0, "failed": 0, "duplicates": 0, "kinds": {},
                           "skipped": "off"}


def test_clear_text_to_a_remote_server_is_refused(settings):
    settings.MAIL_IMAP_HOST = "imap.example.org"
    settings.MAIL_IMAP_SECURITY = "none"

    with pytest.raises(ImproperlyConfigured, match="only for 127.0.0.1"):
        imap_poll()
    assert cache.get(LOCK_KEY) is None
    imap_security_check(host="localhost", security="none")
    imap_security_check(host="imap.example.org", security="starttls")
    with pytest.raises(ImproperlyConfigured, match="must be 'ssl', 'starttls' or 'none'"):
        imap_security_check(host="imap.example.org", security="tls")


def test_the_command_prints_the_summary_as_json(sent_messages, imap_settings, imap_account):
    imap_account.deliver(sample("unsubscribe.eml"))
    out = io.StringIO()

    call_command("poll_imap", "--limit", "10", stdout=out)

    assert json.loads(out.getvalue()) == {"fetched": 1, "processed": 1, "failed": 0, "duplicates": 0,
                                          "kinds": {"unsubscribe": 1}, "skipped": None}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_beat_task_polls_through_a_real_worker(celery_worker_thread, sent_messages, imap_settings, imap_account):
    from outreach.tasks import inbound_imap_poll_task

    imap_account.deliver(sample("reply_html_only.eml"))

    inbound_imap_poll_task.delay()

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and imap_account.messages("INBOX"):
        time.sleep(0.1)
    assert imap_account.messages("INBOX") == []
    reply = InboundMessage.objects.get()
    assert (reply.kind, reply.source, reply.message) == ("reply", "imap", sent_messages["reply_html_only.eml"])
    assert len(imap_account.messages(PROCESSED)) == 1


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_is_verified_and_then_used(security, sent_messages, dovecot_tls, settings, monkeypatch):
    account = dovecot_tls.account()
    account.deliver(sample("postfix_hard.eml"))
    settings.MAIL_IMAP_HOST = "localhost"
    settings.MAIL_IMAP_PORT = dovecot_tls.imaps_port if security == "ssl" else dovecot_tls.port
    settings.MAIL_IMAP_SECURITY = security
    settings.MAIL_IMAP_USER, settings.MAIL_IMAP_PASSWORD = account.user, account.password
    settings.MAIL_IMAP_TIMEOUT = 5

    with pytest.raises(ssl.SSLCertVerificationError):
        imap_poll()  # a self-signed certificate nobody vouches for
    assert account.messages("INBOX") != []

    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_tls.cert_path))  # OpenSSL reads it per new context
    assert imap_poll()["kinds"] == {"bounce": 1}
    assert account.messages("INBOX") == []
