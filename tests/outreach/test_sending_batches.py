"""Batches over a real SMTP server (aiosmtpd on 127.0.0.1): exactly once, retries, bounces, pause, cancel, crashes."""

import base64
import socket

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from outreach.delivery import TransientDeliveryError
from outreach.delivery.headers import unsubscribe_signature, unsubscribe_signature_valid
from outreach.tracking.tokens import mailto_signature
from outreach.models import ActivityEvent, Contact, Mailing, Message, MessageEvent, SuppressionEntry
from outreach.services.mailings import mailing_cancel, mailing_pause, mailing_resume, mailing_send
from outreach.services.sending import message_batch_send
from tests.outreach.sending_fixtures import (  # noqa: F401
    MAIL_DOMAIN,
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
    smtp_settings,
    smtp_sink,
    statuses,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("smtp_settings")]

Status = Message.Status


def sent(mailing):
    """Freeze the mailing (the dispatch after the commit never runs: these tests drive the batches)."""
    return mailing_send(mailing=mailing)


class DeliveryTests:
    def test_every_recipient_gets_exactly_one_mail_and_a_rerun_sends_nothing(self, sender, smtp_sink):
        contacts = make_contacts(7)
        mailing = sent(make_mailing(sender=sender, contacts=contacts))

        first = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1", batch_size=5)
        second = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-2", batch_size=5)
        rerun = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-3", batch_size=5)

        assert (first.accepted, second.accepted, rerun.claimed) == (5, 2, 0)
        assert sorted(smtp_sink.recipients()) == sorted(c.email for c in contacts)
        mailing.refresh_from_db()
        assert mailing.status == Mailing.Status.SENT and mailing.finished_at is not None
        accepted = Message.objects.filter(mailing=mailing)
        assert all(m.status == Status.ACCEPTED and m.sent_at and m.attempts == 1 for m in accepted)
        assert {m.provider_message_id.split()[-1][:1] for m in accepted} == {"Q"}  # the relay's queue id
        assert ActivityEvent.objects.filter(kind="mailed", subject=f"outreach.mailing:{mailing.pk}").count() == 7
        assert not Contact.objects.filter(pk__in=[c.pk for c in contacts], last_contacted_at__isnull=True).exists()

    def test_language_merge_fields_and_headers(self, sender, smtp_sink, settings):
        settings.WAGTAILADMIN_BASE_URL = "https://dialogdesk.example"
        schmidt = make_contacts(1, prefix="schmidt", language="de", salutation="ms", academic_title="Dr.",
                                first_name="Anna", last_name="Schmidt")[0]
        miller = make_contacts(1, prefix="miller", language="en", salutation="ms", first_name="Jane",
                               last_name="Miller")[0]
        mailing = sent(make_mailing(sender=sender, contacts=[schmidt, miller], track_replies=True))
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")

        received = {item.rcpt_tos[0]: item for item in smtp_sink.received}
        rows = {m.email: m for m in mailing.messages.all()}
        german, english = received[schmidt.email].message, received[miller.email].message
        assert german["Subject"] == "Einladung zum Industriedialog"
        assert english["Subject"] == "Invitation to the industry dialogue"
        german_html = german.get_body(("html",)).get_content()
        german_text = german.get_body(("plain",)).get_content()
        assert "Sehr geehrte Frau Dr. Schmidt," in german_html and "Sehr geehrte Frau Dr. Schmidt," in german_text
        assert f"Anna Schmidt ({schmidt.email})" in german_html
        assert "Dear Ms Miller," in english.get_body(("html",)).get_content()
        assert "Dr. Jane Miller" not in english.as_string() and "Jane Miller." in english.get_body(("plain",)).get_content()
        assert "{{" not in german_html and "{{" not in german_text

        token = rows[schmidt.email].token
        url = f"https://dialogdesk.example/o/u/{token}/{unsubscribe_signature(token)}/"
        pk = rows[schmidt.email].pk
        mailto = f"unsubscribe+{pk}-{mailto_signature(pk, token)}@{MAIL_DOMAIN}"
        assert german["List-Unsubscribe"] == f"<{url}>, <mailto:{mailto}>"
        assert german["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert german["Message-ID"] == f"<{token}@{MAIL_DOMAIN}>" == rows[schmidt.email].message_id
        assert german["Message-ID"] != english["Message-ID"]
        assert received[schmidt.email].mail_from == f"bounces+{token}@{MAIL_DOMAIN}"
        assert german["Reply-To"] == f"reply+{token}@{MAIL_DOMAIN}"
        [author] = german["From"].addresses
        assert (author.display_name, author.addr_spec) == ("Bündnis Zukunft der Industrie", "presse@dialogdesk.test")
        # The visible unsubscribe link and the imprint, in both parts.
        assert f'href="{url}"' in german_html and ">Abmelden</a>" in german_html
        assert "Wilhelmstraße 1, 10117 Berlin" in german_html and "V.i.S.d.P.: Erika Muster" in german_text
        assert f"Abmelden: {url}" in german_text
        assert unsubscribe_signature_valid(token, unsubscribe_signature(token))
        assert not unsubscribe_signature_valid(rows[miller.email].token, unsubscribe_signature(token))

    def test_without_reply_tracking_replies_go_to_the_sender(self, sender, smtp_sink):
        mailing = sent(make_mailing(sender=sender, contacts=make_contacts(1)))
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")
        assert smtp_sink.received[0].message["Reply-To"] == "antwort@dialogdesk.test"

    def test_dkim_signature_verifies(self, sender, smtp_sink, settings):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        settings.MAIL_DKIM_PRIVATE_KEY = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        ).decode()
        settings.MAIL_DKIM_SELECTOR, settings.MAIL_DKIM_DOMAIN = "dd2026", "dialogdesk.test"
        public = base64.b64encode(key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
        mailing = sent(make_mailing(sender=sender, contacts=make_contacts(1)))

        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")

        data = smtp_sink.received[0].data
        assert data.startswith(b"DKIM-Signature: v=1; a=rsa-sha256;")
        dns = {b"dd2026._domainkey.dialogdesk.test.": b"v=DKIM1; k=rsa; p=" + public}
        assert dkim.verify(data, dnsfunc=lambda name, timeout=5: dns.get(name))

    def test_someone_suppressed_after_the_freeze_is_not_mailed(self, sender, smtp_sink):
        contacts = make_contacts(3)
        mailing = sent(make_mailing(sender=sender, contacts=contacts))
        SuppressionEntry.objects.create(email_hash=contacts[0].email_hash, reason="unsubscribe")

        result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")

        assert (result.accepted, result.cancelled) == (2, 1)
        assert contacts[0].email not in smtp_sink.recipients()
        assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT


class FailureTests:
    def test_451_is_retried_later_and_delivered(self, sender, smtp_sink):
        contacts = make_contacts(3)
        smtp_sink.answer_451(contacts[1].email)
        mailing = sent(make_mailing(sender=sender, contacts=contacts))

        with pytest.raises(TransientDeliveryError, match="451"):
            message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")

        greylisted = Message.objects.get(mailing=mailing, email=contacts[1].email)
        assert (greylisted.status, greylisted.attempts) == (Status.QUEUED, 1) and "451" in greylisted.last_error
        assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING
        # The task's retry (same task id) takes it up again.
        retry = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")
        assert retry.accepted == 1
        greylisted.refresh_from_db()
        assert (greylisted.status, greylisted.attempts) == (Status.ACCEPTED, 2)
        assert sorted(smtp_sink.recipients()) == sorted(c.email for c in contacts)
        assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT

    def test_550_bounces_without_retry(self, sender, smtp_sink):
        contacts = make_contacts(3)
        smtp_sink.answer_550(contacts[0].email)
        mailing = sent(make_mailing(sender=sender, contacts=contacts))

        result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")
        again = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-2")

        assert (result.accepted, result.bounced, again.claimed) == (2, 1, 0)
        bounced = Message.objects.get(mailing=mailing, email=contacts[0].email)
        assert bounced.status == Status.BOUNCED and "550" in bounced.last_error
        assert MessageEvent.objects.get(message=bounced).kind == MessageEvent.Kind.BOUNCE
        assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT

    def test_an_unreachable_relay_gives_every_message_back(self, sender, smtp_settings):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            smtp_settings.MAIL_SMTP_PORT = probe.getsockname()[1]  # bound, not listening: refused
            mailing = sent(make_mailing(sender=sender, contacts=make_contacts(3)))

            with pytest.raises(TransientDeliveryError, match="cannot connect"):
                message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")

        assert statuses(mailing) == {Status.QUEUED: 3}
        assert set(mailing.messages.values_list("attempts", "claimed_by")) == {(0, "")}


class ControlTests:
    def test_pause_stops_handing_out_messages_and_resume_completes(self, sender, smtp_sink,
                                                                    django_capture_on_commit_callbacks):
        contacts = make_contacts(8)
        mailing = sent(make_mailing(sender=sender, contacts=contacts))
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1", batch_size=3)

        mailing_pause(mailing=mailing)
        paused = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-2", batch_size=3)

        assert paused.claimed == 0 and len(smtp_sink.received) == 3
        assert statuses(mailing) == {Status.ACCEPTED: 3, Status.QUEUED: 5}
        with django_capture_on_commit_callbacks() as callbacks:
            mailing_resume(mailing=mailing)
        assert len(callbacks) == 1
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-3", batch_size=10)
        assert sorted(smtp_sink.recipients()) == sorted(c.email for c in contacts)
        assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT

    def test_a_batch_that_finds_its_mailing_paused_gives_its_rows_back(self, sender, smtp_sink):
        mailing = sent(make_mailing(sender=sender, contacts=make_contacts(4)))
        Message.objects.filter(mailing=mailing).update(status=Status.SENDING, claimed_by="task-1")
        mailing_pause(mailing=mailing)

        result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")

        assert result.released == 4 and statuses(mailing) == {Status.QUEUED: 4} and not smtp_sink.received

    def test_cancel_leaves_the_rest_cancelled(self, sender, smtp_sink):
        mailing = sent(make_mailing(sender=sender, contacts=make_contacts(8)))
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1", batch_size=3)
        # A batch holding two rows when the cancel comes.
        held = list(Message.objects.filter(mailing=mailing, status=Status.QUEUED).values_list("id", flat=True)[:2])
        Message.objects.filter(id__in=held).update(status=Status.SENDING, claimed_by="task-2")

        mailing_cancel(mailing=mailing)
        result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-2")

        assert result.cancelled == 2 and len(smtp_sink.received) == 3
        assert statuses(mailing) == {Status.ACCEPTED: 3, Status.CANCELLED: 5}
        mailing.refresh_from_db()
        assert mailing.status == Mailing.Status.CANCELLED and mailing.finished_at is not None

    def test_a_killed_task_is_completed_without_duplicates(self, sender, smtp_sink):
        contacts = make_contacts(6)
        mailing = sent(make_mailing(sender=sender, contacts=contacts))
        rows = list(Message.objects.filter(mailing=mailing).order_by("id"))
        # The dead task had sent two (and was killed before writing the timeline) and held three more.
        Message.objects.filter(id__in=[m.id for m in rows[:2]]).update(status=Status.ACCEPTED, claimed_by="dead-task")
        Message.objects.filter(id__in=[m.id for m in rows[2:5]]).update(status=Status.SENDING, claimed_by="dead-task")

        redelivered = message_batch_send(mailing_id=mailing.pk, worker_task_id="dead-task", batch_size=3)
        rest = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-2", batch_size=3)

        assert (redelivered.accepted, rest.accepted) == (3, 1)
        assert sorted(smtp_sink.recipients()) == sorted(m.email for m in rows[2:])
        assert statuses(mailing) == {Status.ACCEPTED: 6}
        mailed = ActivityEvent.objects.filter(kind="mailed", subject=mailing.activity_subject)
        assert sorted(mailed.values_list("contact_id", flat=True)) == sorted(c.pk for c in contacts)


@pytest.mark.postgres
def test_a_batch_leaves_its_connection_with_durable_commits_again(sender, smtp_sink):
    """The batch commits its per-message results without waiting for the disk; the connection is
    kept (CONN_MAX_AGE) and must not carry that into the next task's work."""
    from django.db import connection

    mailing = sent(make_mailing(sender=sender, contacts=make_contacts(3)))
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO local")  # not the default either, so a reset shows
    message_batch_send(mailing_id=mailing.pk, worker_task_id="task-durable")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert statuses(mailing) == {Status.ACCEPTED: 3}


@pytest.mark.parametrize(("seconds", "mid_batch_checks"), [(0, True), (10**9, False)])
def test_a_slow_batch_refreshes_its_claim_by_time_even_before_the_count_is_reached(
        sender, smtp_sink, settings, monkeypatch, seconds, mid_batch_checks):
    """At a low rate MAIL_STATUS_CHECK_EVERY results can take longer than the claim timeout; the check
    (timeline, claimed_at) then comes by time. Counted at record_mailed, which the check calls."""
    from outreach.services import sending

    settings.MAIL_STATUS_CHECK_EVERY = 1000
    settings.MAIL_SMTP_CONNECTIONS = 1
    monkeypatch.setattr(sending, "_CHECK_AT_LEAST_EVERY_SECONDS", seconds)
    calls = []
    real_record_mailed = sending.record_mailed

    def counting_record_mailed(**kwargs):
        calls.append(set(kwargs["contact_ids"]))
        return real_record_mailed(**kwargs)

    monkeypatch.setattr(sending, "record_mailed", counting_record_mailed)
    mailing = sent(make_mailing(sender=sender, contacts=make_contacts(5)))
    message_batch_send(mailing_id=mailing.pk, worker_task_id="task-slow")

    before_the_end = [contact_ids for contact_ids in calls[:-1] if contact_ids]
    assert bool(before_the_end) is mid_batch_checks
    assert statuses(mailing) == {Status.ACCEPTED: 5}
