"""Recovery of sending work whose batch task is gone: rows set up as a dead batch left them, then sent through a
real SMTP server (aiosmtpd) exactly once, by driving the batches here and through a real Celery worker."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from outreach.models import Mailing, Message
from outreach.services.mailings import mailing_cancel, mailing_freeze_audience, mailing_pause, mailing_render
from outreach.services.recovery import mailings_recover_stalled
from outreach.services.sending import message_batch_send
from outreach.tasks import mailings_recover_stalled_task
from tests.outreach.sending_fixtures import (  # noqa: F401
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
    smtp_settings,
    smtp_sink,
    statuses,
)
from tests.outreach.test_sending_worker import wait_until

pytestmark = [pytest.mark.usefixtures("smtp_settings")]

Status = Message.Status
LONG_AGO = timedelta(hours=1)


def sending_mailing(sender, contacts, *, started_ago=LONG_AGO) -> Mailing:
    """A mailing that started long ago, its messages QUEUED, and no dispatch of its own: as if it was lost."""
    mailing = make_mailing(sender=sender, contacts=contacts)
    with transaction.atomic():
        mailing_render(mailing=mailing)
        mailing_freeze_audience(mailing=mailing)
        Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENDING,
                                                      started_at=timezone.now() - started_ago)
    return mailing


def abandon(mailing, rows, *, status=Status.SENDING, claimed_ago=LONG_AGO, task="dead-task") -> None:
    """As a batch task that died holding rows (or had sent them) left them."""
    Message.objects.filter(id__in=[m.id for m in rows]).update(
        status=status, claimed_by=task, claimed_at=timezone.now() - claimed_ago,
        sent_at=timezone.now() - claimed_ago if status == Status.ACCEPTED else None)


def rows_of(mailing) -> list[Message]:
    return list(Message.objects.filter(mailing=mailing).order_by("id"))


@pytest.mark.django_db
class TestRecover:
    def test_lost_claims_go_back_and_are_sent_exactly_once(self, sender, smtp_sink,
                                                           django_capture_on_commit_callbacks):
        contacts = make_contacts(6)
        mailing = sending_mailing(sender, contacts)
        rows = rows_of(mailing)
        abandon(mailing, rows[:2], status=Status.ACCEPTED)
        abandon(mailing, rows[2:5])

        with django_capture_on_commit_callbacks() as dispatched:
            assert mailings_recover_stalled() == 1
        assert len(dispatched) == 1
        assert statuses(mailing) == {Status.ACCEPTED: 2, Status.QUEUED: 4}
        assert set(Message.objects.filter(mailing=mailing, status=Status.QUEUED).values_list("claimed_by", flat=True)) == {""}
        result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-2")

        assert result.accepted == 4
        assert sorted(smtp_sink.recipients()) == sorted(m.email for m in rows[2:])
        assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT

    def test_a_recent_claim_and_accepted_rows_are_left_alone(self, sender, smtp_sink,
                                                             django_capture_on_commit_callbacks):
        mailing = sending_mailing(sender, make_contacts(4))
        rows = rows_of(mailing)
        abandon(mailing, rows[:2], status=Status.ACCEPTED, claimed_ago=timedelta(days=2))
        abandon(mailing, rows[2:], claimed_ago=timedelta(seconds=30), task="live-task")

        with django_capture_on_commit_callbacks() as dispatched:
            assert mailings_recover_stalled() == 0
        assert not dispatched
        assert statuses(mailing) == {Status.ACCEPTED: 2, Status.SENDING: 2}
        assert set(Message.objects.filter(mailing=mailing, status=Status.ACCEPTED)
                   .values_list("claimed_by", flat=True)) == {"dead-task"}

    def test_the_timeout_is_a_setting_and_now_can_be_given(self, sender, settings,
                                                           django_capture_on_commit_callbacks):
        settings.MAIL_CLAIM_TIMEOUT_SECONDS = 60
        mailing = sending_mailing(sender, make_contacts(2))
        abandon(mailing, rows_of(mailing), claimed_ago=timedelta(seconds=90))

        with django_capture_on_commit_callbacks():
            assert mailings_recover_stalled(now=timezone.now() - timedelta(seconds=60)) == 0
            assert mailings_recover_stalled() == 1
        assert statuses(mailing) == {Status.QUEUED: 2}

    def test_a_mailing_with_queued_messages_and_no_activity_is_dispatched_once(self, sender,
                                                                               django_capture_on_commit_callbacks):
        stalled = sending_mailing(sender, make_contacts(3, prefix="still"))
        fresh = sending_mailing(sender, make_contacts(3, prefix="fresh"), started_ago=timedelta(minutes=1))

        with django_capture_on_commit_callbacks() as first:
            assert mailings_recover_stalled() == 1
        with django_capture_on_commit_callbacks() as second:
            assert mailings_recover_stalled() == 0  # just dispatched: wait a full timeout before trying again
        with django_capture_on_commit_callbacks() as later:
            assert mailings_recover_stalled(now=timezone.now() + timedelta(hours=1)) == 2

        assert (len(first), len(second), len(later)) == (1, 0, 2)
        assert statuses(stalled) == statuses(fresh) == {Status.QUEUED: 3}

    def test_paused_and_cancelled_mailings_get_their_rows_back_but_no_dispatch(self, sender, smtp_sink,
                                                                               django_capture_on_commit_callbacks):
        paused = sending_mailing(sender, make_contacts(2, prefix="paused"))
        cancelled = sending_mailing(sender, make_contacts(2, prefix="cancelled"))
        abandon(paused, rows_of(paused)[:1])
        abandon(cancelled, rows_of(cancelled)[:1])
        mailing_pause(mailing=paused)
        mailing_cancel(mailing=cancelled)

        with django_capture_on_commit_callbacks() as dispatched:
            assert mailings_recover_stalled() == 0

        assert not dispatched and not smtp_sink.received
        assert statuses(paused) == {Status.QUEUED: 2}
        assert statuses(cancelled) == {Status.CANCELLED: 2}


@pytest.fixture(scope="module")
def worker(celery_worker_thread):
    return celery_worker_thread


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_beat_task_recovers_through_a_real_worker_exactly_once(worker, sender, smtp_sink, settings):
    settings.MAIL_BATCH_SIZE = 4
    contacts = make_contacts(10)
    mailing = sending_mailing(sender, contacts)
    rows = rows_of(mailing)
    abandon(mailing, rows[:3], status=Status.ACCEPTED)
    abandon(mailing, rows[3:7])

    mailings_recover_stalled_task.delay()

    wait_until(lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT,
               what=f"mailing sent; messages {statuses(mailing)}")
    received = smtp_sink.recipients()
    assert len(received) == len(set(received))
    assert statuses(mailing) == {Status.ACCEPTED: 10}
