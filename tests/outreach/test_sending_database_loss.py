"""The database connection of a running batch is cut (what a PostgreSQL restart does to it) while the relay
has messages in hand: the batch records them over a new connection, so none is sent twice.

A real cut: another connection ends the batch's server process with pg_terminate_backend.
"""

import threading

import psycopg
import pytest
from django.db import connection
from outreach.models import Message
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from tests.outreach.sending_fixtures import (  # noqa: F401
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
    smtp_settings,
    smtp_sink,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _terminate(backend_pid: int) -> None:
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None, user=settings["USER"],
                         password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend_pid])


def test_a_batch_whose_database_connection_is_cut_records_what_the_relay_took(
        sender, smtp_sink, smtp_settings, settings):
    smtp_settings.MAIL_SMTP_CONNECTIONS = 3
    contacts = make_contacts(12, prefix="db-cut")
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts, locales=("de",)))
    connection.ensure_connection()
    batch_backend = connection.connection.info.backend_pid
    cut = threading.Event()

    def cut_after_the_fifth(count):
        # Runs before the relay answers the fifth message's DATA: that answer arrives at a batch
        # whose connection is gone.
        if count == 5 and not cut.is_set():
            _terminate(batch_backend)
            cut.set()

    smtp_sink.handler.after_accept = cut_after_the_fifth
    result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-db-cut")

    assert cut.is_set()
    connection.ensure_connection()
    assert connection.connection.info.backend_pid != batch_backend  # it did reconnect
    assert result.accepted == 12
    assert sorted(smtp_sink.recipients()) == sorted(c.email for c in contacts)  # each exactly once
    assert set(Message.objects.filter(mailing=mailing).values_list("status", flat=True)) == {Message.Status.ACCEPTED}


def test_the_batch_gives_up_after_its_patience_and_the_rows_stay_claimed_for_recovery(
        sender, smtp_sink, smtp_settings, settings):
    settings.MAIL_DB_PATIENCE_SECONDS = 0  # no second try: the write's error ends the batch
    smtp_settings.MAIL_SMTP_CONNECTIONS = 2
    contacts = make_contacts(6, prefix="db-gone")
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts, locales=("de",)))
    connection.ensure_connection()
    batch_backend = connection.connection.info.backend_pid
    smtp_sink.handler.after_accept = lambda count: count == 2 and _terminate(batch_backend)

    with pytest.raises(Exception) as raised:
        message_batch_send(mailing_id=mailing.pk, worker_task_id="task-db-gone")

    assert "terminat" in str(raised.value).lower() or "closed" in str(raised.value).lower()
    connection.close()
    rows = Message.objects.filter(mailing=mailing)
    # Nothing was marked sent that the relay did not take; what is unrecorded waits for the claim timeout.
    accepted = set(rows.filter(status=Message.Status.ACCEPTED).values_list("email", flat=True))
    assert accepted <= set(smtp_sink.recipients())
    assert rows.filter(status=Message.Status.SENDING, claimed_by="task-db-gone").exists()
