"""mailing_send -> broker -> a real Celery worker -> aiosmtpd: every recipient exactly once.

The worker runs in a thread of this process with its own database connection,
so these tests commit for real (transactional); the flush afterwards removes
the demo content, hence the contacts and lists made here. The broker is the
configured one: Redis in CI, kombu's filesystem transport otherwise.
"""

import time

import pytest
from django.db import connections
from outreach.models import Mailing, Message
from outreach.services.mailings import mailing_pause, mailing_resume, mailing_send
from tests.outreach.sending_fixtures import (  # noqa: F401
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
    smtp_settings,
    smtp_sink,
    statuses,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("smtp_settings"),
]


@pytest.fixture(scope="module")
def worker(celery_worker_thread):
    return celery_worker_thread


def wait_until(condition, *, timeout: float = 30.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s: {what}")


def test_fifty_recipients_each_get_one_mail_through_the_worker(worker, sender, smtp_sink, settings):
    settings.MAIL_BATCH_SIZE = 8
    contacts = make_contacts(50, language="de") + make_contacts(2, prefix="grau", language="en")
    smtp_sink.answer_451(contacts[-1].email)  # greylisted once: its batch retries and delivers it
    mailing = make_mailing(sender=sender, contacts=contacts)

    mailing_send(mailing=mailing)

    wait_until(lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT,
               what=f"mailing sent; messages {statuses(mailing)}")
    assert sorted(smtp_sink.recipients()) == sorted(c.email for c in contacts)
    assert statuses(mailing) == {Message.Status.ACCEPTED: 52}
    assert Message.objects.get(mailing=mailing, email=contacts[-1].email).attempts == 2


def test_pause_stops_a_running_batch_and_resume_completes(worker, sender, smtp_sink, settings):
    settings.MAIL_BATCH_SIZE = 40
    settings.MAIL_SMTP_CONNECTIONS = 4
    contacts = make_contacts(30)
    mailing = make_mailing(sender=sender, contacts=contacts)

    received_at_pause = []

    def pause_after_the_seventh(count):
        # The SMTP server's thread, while the worker waits for its answer to DATA.
        if count == 7:
            mailing_pause(mailing=Mailing.objects.get(pk=mailing.pk))
            received_at_pause.append(len(smtp_sink.received))
            connections.close_all()

    smtp_sink.handler.after_accept = pause_after_the_seventh
    mailing_send(mailing=mailing)

    wait_until(lambda: Message.Status.SENDING not in statuses(mailing) and len(smtp_sink.received) >= 7
               and Message.Status.QUEUED in statuses(mailing), what=f"the batch stopped; messages {statuses(mailing)}")
    paused = statuses(mailing)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.PAUSED
    # Once the pause is committed, each of the 4 connections sends at most the message it has in flight.
    assert 7 <= paused[Message.Status.ACCEPTED] <= received_at_pause[0] + 4, (paused, received_at_pause)
    assert paused[Message.Status.ACCEPTED] + paused[Message.Status.QUEUED] == 30
    assert len(smtp_sink.received) == paused[Message.Status.ACCEPTED]

    smtp_sink.handler.after_accept = None
    mailing_resume(mailing=Mailing.objects.get(pk=mailing.pk))

    wait_until(lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT,
               what=f"mailing sent after resume; messages {statuses(mailing)}")
    assert sorted(smtp_sink.recipients()) == sorted(c.email for c in contacts)
