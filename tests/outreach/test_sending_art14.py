"""The Art. 14 GDPR notice: the first mailing to a contact whose data came from a third party carries it, and
that is recorded; the body is still rendered once per locale."""

from email import message_from_binary_file, policy
from pathlib import Path

import pytest

from outreach.models import ActivityEvent, Contact
from outreach.rendering import render_counts
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from tests.outreach.factories import ContactFactory
from tests.outreach.sending_fixtures import mail_settings, make_mailing, sender  # noqa: F401

pytestmark = pytest.mark.django_db


def sent_texts(mail_settings, mailing) -> dict[str, tuple[str, str]]:
    """address -> (plain text, HTML) of each message the outbox holds for the mailing."""
    mails = {}
    for path in (Path(mail_settings.MAIL_OUTBOX_DIR) / str(mailing.pk)).glob("*.eml"):
        with open(path, "rb") as handle:
            mail = message_from_binary_file(handle, policy=policy.default)
        mails[mail["To"].addresses[0].addr_spec] = (mail.get_body(("plain",)).get_content(),
                                                    mail.get_body(("html",)).get_content())
    return mails


def test_the_first_mailing_carries_the_notice_and_records_it(sender, mail_settings):
    fair = ContactFactory(email="messe@example.org", data_origin="trade-fair", legal_basis="legitimate-interest",
                          source="Ausstellerliste Hannover Messe 2026")
    own = ContactFactory(email="selbst@example.org", data_origin="person", legal_basis="consent")
    render_counts.clear()
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=[fair, own], locales=("de",)))
    assert message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1").accepted == 2
    assert render_counts["mjml"] == 1  # one locale, rendered once, whoever gets the notice

    texts = sent_texts(mail_settings, mailing)
    fair_text, fair_html = texts["messe@example.org"]
    assert "Datenschutzhinweis (Art. 14 DSGVO)" in fair_text and "Ausstellerliste Hannover Messe 2026" in fair_text
    assert "Datenschutzhinweis (Art. 14 DSGVO)" in fair_html and "berechtigten Interesses" in fair_html
    assert "Art. 14" not in texts["selbst@example.org"][0] and "Art. 14" not in texts["selbst@example.org"][1]

    fair.refresh_from_db()
    assert fair.art14_notice_sent_at is not None
    event = ActivityEvent.objects.get(contact=fair, kind=ActivityEvent.Kind.NOTICE_SENT)
    assert event.subject == mailing.activity_subject
    assert Contact.objects.get(pk=own.pk).art14_notice_sent_at is None

    # The next mailing to the same person goes without it, and nothing more is recorded.
    second = mailing_send(mailing=make_mailing(sender=sender, contacts=[fair], locales=("de",), list_name="Zweite"))
    message_batch_send(mailing_id=second.pk, worker_task_id="task-2")
    assert "Art. 14" not in sent_texts(mail_settings, second)["messe@example.org"][0]
    assert ActivityEvent.objects.filter(contact=fair, kind=ActivityEvent.Kind.NOTICE_SENT).count() == 1


def test_english_recipients_get_the_english_notice(sender, mail_settings):
    contact = ContactFactory(email="fair@example.org", language="en", data_origin="purchased", source="Media list")
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=[contact], locales=("de", "en")))
    message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")
    text, _html = sent_texts(mail_settings, mailing)["fair@example.org"]
    assert "Privacy notice (Art. 14 GDPR)" in text and "Media list" in text
