"""Fixtures for the delivery engine tests: a real SMTP server, a sender, mailings with audiences.

Imported by name into the test_sending_* modules (tests/outreach/conftest.py
belongs to the contact work and is left alone).
"""

import pytest

from outreach.models import ContactList, ListMembership, Mailing, MailingContent, Message, SenderIdentity
from tests.outreach.factories import ContactFactory
from tests.outreach.smtpserver import SMTPSink

MAIL_DOMAIN = "mail.dialogdesk.test"

MJML_DE = """<mjml><mj-body><mj-section><mj-column>
<mj-text>{{ salutation }}</mj-text>
<mj-text>Die Industriedialoge gehen weiter, {{ first_name }} {{ last_name }} ({{ email }}).</mj-text>
</mj-column></mj-section></mj-body></mjml>"""
MJML_EN = """<mjml><mj-body><mj-section><mj-column>
<mj-text>{{ salutation }}</mj-text>
<mj-text>The industry dialogues continue, {{ full_name }}.</mj-text>
</mj-column></mj-section></mj-body></mjml>"""


@pytest.fixture
def smtp_sink():
    sink = SMTPSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def mail_settings(settings, tmp_path):
    settings.MAIL_DOMAIN = MAIL_DOMAIN
    settings.MAIL_OUTBOX_DIR = str(tmp_path / "outbox")
    settings.MAIL_BACKEND = "outbox"
    settings.MAIL_RETRY_BASE_SECONDS = 0
    return settings


@pytest.fixture
def smtp_settings(mail_settings, smtp_sink):
    mail_settings.MAIL_BACKEND = "smtp"
    mail_settings.MAIL_SMTP_HOST = "127.0.0.1"
    mail_settings.MAIL_SMTP_PORT = smtp_sink.port
    mail_settings.MAIL_SMTP_TIMEOUT = 5
    return mail_settings


@pytest.fixture
def sender():
    return SenderIdentity.objects.create(
        label="Pressestelle", from_name="Bündnis Zukunft der Industrie", from_email="presse@dialogdesk.test",
        reply_to_email="antwort@dialogdesk.test",
        imprint="Bündnis Zukunft der Industrie\nWilhelmstraße 1, 10117 Berlin\nV.i.S.d.P.: Erika Muster",
    )


def make_contacts(count: int, *, prefix: str = "empfaenger", **fields) -> list:
    return [ContactFactory(email=f"{prefix}{n}@example.org", **fields) for n in range(count)]


def make_mailing(*, sender, contacts=(), locales=("de", "en"), list_name="Presseverteiler Test", **fields) -> Mailing:
    """A one-off mailing in the given locales to a new list holding contacts."""
    mailing = Mailing.objects.create(title=fields.pop("title", "Industriedialog Krefeld"), sender=sender, **fields)
    bodies = {"de": ("Einladung zum Industriedialog", MJML_DE), "en": ("Invitation to the industry dialogue", MJML_EN)}
    for locale in locales:
        subject, mjml = bodies[locale]
        MailingContent.objects.create(mailing=mailing, locale=locale, subject=subject, preheader=f"{locale} preheader",
                                      body_mjml=mjml)
    contact_list = ContactList.objects.create(name=f"{list_name} {mailing.pk}")
    ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact=c) for c in contacts])
    mailing.lists.add(contact_list)
    return mailing


def statuses(mailing) -> dict[str, int]:
    """How many of the mailing's messages are in each status."""
    counts: dict[str, int] = {}
    for status in Message.objects.filter(mailing=mailing).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts
