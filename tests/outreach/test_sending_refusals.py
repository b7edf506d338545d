"""A 5xx at RCPT while sending, over a real SMTP server: a refused address bounces the person like a DSN would;
a policy refusal (5.7.x spam block) fails the message and leaves the address alone."""

import pytest

from outreach.models import ActivityEvent, Contact, Message, MessageEvent, SuppressionEntry, email_hash
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from tests.outreach.sending_fixtures import (  # noqa: F401
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
    smtp_settings,
)
from tests.outreach.smtpserver import RecordingHandler, SMTPSink, _AnyPortController

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("smtp_settings")]

Status = Message.Status


class RefusingHandler(RecordingHandler):
    """Answers chosen recipients with a chosen reply at RCPT."""

    def __init__(self):
        super().__init__()
        self.replies: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.replies.get(address.lower())
        if reply:
            return reply
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


@pytest.fixture
def smtp_sink():
    sink = SMTPSink()
    sink.handler = RefusingHandler()
    sink.controller = _AnyPortController(sink.handler, hostname="127.0.0.1", port=0)
    sink.start()
    yield sink
    sink.stop()


def send_all(mailing):
    mailing_send(mailing=mailing)
    return message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")


def suppressed(email: str) -> bool:
    return SuppressionEntry.objects.filter(email_hash=email_hash(email)).exists()


def test_unknown_user_at_rcpt_hard_bounces_the_contact_like_a_dsn(sender, smtp_sink):
    gone, fine = make_contacts(2)
    smtp_sink.handler.replies[gone.email] = f"550 5.1.1 <{gone.email}>: Recipient address rejected: User unknown"
    mailing = make_mailing(sender=sender, contacts=[gone, fine])

    result = send_all(mailing)

    assert (result.accepted, result.bounced, result.failed) == (1, 1, 0)
    assert smtp_sink.recipients() == [fine.email]
    message = Message.objects.get(mailing=mailing, email=gone.email)
    assert message.status == Status.BOUNCED and "5.1.1" in message.last_error
    event = MessageEvent.objects.get(message=message)
    assert event.kind == MessageEvent.Kind.BOUNCE
    assert (event.data["bounce_type"], event.data["status"]) == ("hard", "5.1.1")
    assert "User unknown" in event.data["diagnostic"]
    gone.refresh_from_db()
    assert (gone.bounce_state, gone.is_stale) == (Contact.BounceState.HARD, True)
    assert SuppressionEntry.objects.get(email_hash=email_hash(gone.email)).reason == SuppressionEntry.Reason.HARD_BOUNCE
    bounced = ActivityEvent.objects.get(contact=gone, kind=ActivityEvent.Kind.BOUNCED)
    assert bounced.subject == mailing.activity_subject and bounced.data["hard"] is True
    fine.refresh_from_db()
    assert (fine.bounce_state, fine.is_stale, suppressed(fine.email)) == (Contact.BounceState.OK, False, False)


def test_a_spam_block_fails_the_message_and_leaves_the_address_alone(sender, smtp_sink):
    blocked, fine = make_contacts(2)
    smtp_sink.handler.replies[blocked.email] = "550 5.7.1 Message rejected as spam by content filter"
    mailing = make_mailing(sender=sender, contacts=[blocked, fine])

    result = send_all(mailing)
    rerun = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-2")

    assert (result.accepted, result.bounced, result.failed, rerun.claimed) == (1, 0, 1, 0)
    message = Message.objects.get(mailing=mailing, email=blocked.email)
    assert message.status == Status.FAILED and "5.7.1" in message.last_error and message.attempts == 1
    assert not MessageEvent.objects.filter(message=message).exists()
    blocked.refresh_from_db()
    assert (blocked.bounce_state, blocked.is_stale, suppressed(blocked.email)) == (Contact.BounceState.OK, False, False)
    assert not ActivityEvent.objects.filter(contact=blocked, kind=ActivityEvent.Kind.BOUNCED).exists()


def test_mailbox_full_at_rcpt_counts_as_a_soft_bounce(sender, smtp_sink, settings):
    settings.MAIL_SOFT_BOUNCE_LIMIT = 3
    full = make_contacts(1)[0]
    smtp_sink.handler.replies[full.email] = "552 5.2.2 Mailbox full"
    mailing = make_mailing(sender=sender, contacts=[full])

    result = send_all(mailing)

    assert result.bounced == 1
    event = MessageEvent.objects.get(message__mailing=mailing)
    assert (event.data["bounce_type"], event.data["status"]) == ("soft", "5.2.2")
    full.refresh_from_db()
    assert (full.bounce_state, full.soft_bounce_count, full.is_stale) == (Contact.BounceState.SOFT, 1, False)
    assert not suppressed(full.email)
