"""The embedded outbox (readable .eml files) and test sends to named addresses."""

from email import message_from_binary_file, policy
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from outreach.models import ActivityEvent, Mailing, MailingAttachment, Message
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from outreach.services.test_sends import mailing_test_send
from tests.outreach.sending_fixtures import (  # noqa: F401
    MAIL_DOMAIN,
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
    smtp_settings,
    smtp_sink,
)

pytestmark = pytest.mark.django_db


def read_eml(path: Path):
    with open(path, "rb") as handle:
        return message_from_binary_file(handle, policy=policy.default)


@pytest.mark.usefixtures("mail_settings")
class OutboxTests:
    def test_each_message_becomes_a_readable_eml_file(self, sender, mail_settings):
        contacts = make_contacts(3)
        mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts, locales=("de",)))
        MailingAttachment.objects.create(mailing=mailing, locale="de", filename="einladung.pdf",
                                         mimetype="application/pdf", content=b"%PDF-1.4 invitation")

        result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-1")

        folder = Path(mail_settings.MAIL_OUTBOX_DIR) / str(mailing.pk)
        files = sorted(folder.glob("*.eml"))
        assert result.accepted == 3 and len(files) == 3 and not list(folder.glob(".*.part"))
        mails = {str(mail["To"].addresses[0].addr_spec): mail for mail in map(read_eml, files)}
        assert sorted(mails) == sorted(c.email for c in contacts)
        message = Message.objects.get(mailing=mailing, email=contacts[0].email)
        mail = mails[contacts[0].email]
        assert mail["Return-Path"] == f"<bounces+{message.token}@{MAIL_DOMAIN}>"
        assert mail["Subject"] == "Einladung zum Industriedialog"
        assert "Abmelden" in mail.get_body(("plain",)).get_content()
        [attachment] = list(mail.iter_attachments())
        assert (attachment.get_filename(), attachment.get_content()) == ("einladung.pdf", b"%PDF-1.4 invitation")
        assert message.provider_message_id in {path.name for path in files}
        assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT


@pytest.mark.usefixtures("smtp_settings")
class TestSendTests:
    def test_named_addresses_get_every_language_marked_as_a_test(self, sender, smtp_sink):
        contact = make_contacts(1, prefix="journalistin", salutation="ms", last_name="Schmidt", language="de")[0]
        mailing = make_mailing(sender=sender, contacts=[contact])

        results = mailing_test_send(mailing=mailing, addresses=["Redaktion@Example.org ", contact.email])

        assert [(r.address, r.locale, r.error) for r in results] == [
            ("redaktion@example.org", "de", ""), (contact.email, "de", ""),
            ("redaktion@example.org", "en", ""), (contact.email, "en", ""),
        ]
        subjects = sorted(item.message["Subject"] for item in smtp_sink.received)
        assert subjects == ["[TEST] Einladung zum Industriedialog"] * 2 + ["[TEST] Invitation to the industry dialogue"] * 2
        personal = [item.message for item in smtp_sink.received if item.rcpt_tos == [contact.email]]
        assert "Sehr geehrte Frau Schmidt," in personal[0].get_body(("html",)).get_content()
        assert not Message.objects.filter(mailing=mailing).exists()
        assert not ActivityEvent.objects.filter(subject=mailing.activity_subject).exists()
        mailing.refresh_from_db()
        assert mailing.status == Mailing.Status.DRAFT
        assert not mailing.contents.exclude(rendered_at=None).exists()  # a test renders, but stores nothing

    def test_an_invalid_address_is_refused_before_anything_is_sent(self, sender, smtp_sink):
        mailing = make_mailing(sender=sender, contacts=[])
        with pytest.raises(ValidationError, match="Invalid e-mail address"):
            mailing_test_send(mailing=mailing, addresses=["ok@example.org", "not-an-address"])
        assert not smtp_sink.received

    def test_a_refused_address_is_reported_not_raised(self, sender, smtp_sink):
        smtp_sink.answer_550("gone@example.org")
        mailing = make_mailing(sender=sender, contacts=[], locales=("de",))

        [result] = mailing_test_send(mailing=mailing, addresses=["gone@example.org"])

        assert "550" in result.error
