"""Fixtures for the inbound mail tests: a sent mailing whose messages carry the tokens the samples name.

Imported by name into the test_inbound_* modules, like sending_fixtures.
"""

import re
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage

from outreach.delivery.headers import unsubscribe_mailto
from outreach.models import InboundMessage, Message
from tests.outreach.factories import ContactFactory
from tests.outreach.sending_fixtures import make_mailing

SAMPLES = Path(__file__).parent / "mail_samples"

# sample file -> (message token, recipient address), as written into the sample.
SAMPLE_MESSAGES = {
    "postfix_hard.eml": ("postfixhardaaaaaaaaaaaaa", "redaktion.alt@example-zeitung.de"),
    "postfix_soft_mailbox_full.eml": ("postfixsoftaaaaaaaaaaaaa", "voll@postfach.example"),
    "exim_hard.eml": ("eximhardaaaaaaaaaaaaaaaa", "k.mueller@lokalblatt.example"),
    "exchange_5_1_10.eml": ("exchangenotfoundaaaaaaaa", "presse@stadtwerke-example.de"),
    "exchange_5_4_1.eml": ("exchangedeniedaaaaaaaaaa", "j.schmidt@contoso-verlag.example"),
    "gmail_hard.eml": ("gmailhardaaaaaaaaaaaaaaa", "nicht.mehr.da@gmail.com"),
    "sendmail_hard.eml": ("sendmailhardaaaaaaaaaaaa", "chefredaktion@tageblatt.example"),
    "qmail_hard.eml": ("qmailhardaaaaaaaaaaaaaaa", "volontaer@rundfunk.example"),
    "yahoo_hard.eml": ("yahoohardaaaaaaaaaaaaaaa", "journalist1987@yahoo.com"),
    "arf_complaint.eml": ("arfcomplaintaaaaaaaaaaaa", "m.weber@web.example"),
    "ooo_german.eml": ("ooogermanaaaaaaaaaaaaaaa", "k.mueller@tageszeitung.example"),
    "ooo_english.eml": ("oooenglishaaaaaaaaaaaaaa", "tom.baker@newsdesk.example"),
    "reply_german.eml": ("replygermanaaaaaaaaaaaaa", "k.mueller@tageszeitung.example"),
    "reply_html_only.eml": ("replyhtmlaaaaaaaaaaaaaaa", "j.schmidt@wirtschaftsmagazin.example"),
    "unsubscribe.eml": ("unsubscribeaaaaaaaaaaaaa", "m.weber@web.example"),
}


# The signed List-Unsubscribe mailto address of the message with that token, which only exists once the
# message does (its number and SECRET_KEY are part of it).
_UNSUBSCRIBE_PLACEHOLDER = re.compile(rb"UNSUBSCRIBE-ADDRESS-OF-([a-z2-7]+)")


def _unsubscribe_address(found: re.Match) -> bytes:
    message = Message.objects.get(token=found.group(1).decode())
    return unsubscribe_mailto(message.token, message_pk=message.pk).encode()


def sample(name: str) -> bytes:
    return _UNSUBSCRIBE_PLACEHOLDER.sub(_unsubscribe_address, (SAMPLES / name).read_bytes())


@pytest.fixture
def inbound_storage(monkeypatch, tmp_path):
    """The raw .eml files go to a temporary directory instead of var/private."""
    storage = FileSystemStorage(location=str(tmp_path / "private"))
    monkeypatch.setattr(InboundMessage._meta.get_field("raw"), "storage", storage)
    return storage


@pytest.fixture
def sent_messages(db, mail_settings, sender, inbound_storage):
    """One accepted Message per sample, keyed by file name. A contact that two samples share gets a
    mailing of its own for the second (Message is unique per mailing and contact)."""
    addresses = dict.fromkeys(address for _token, address in SAMPLE_MESSAGES.values())
    contacts = {address: ContactFactory(email=address) for address in addresses}
    first_mailing = make_mailing(sender=sender, contacts=list(contacts.values()), track_replies=True)
    used, messages = set(), {}
    for name, (token, address) in SAMPLE_MESSAGES.items():
        mailing = first_mailing if address not in used else make_mailing(
            sender=sender, contacts=[contacts[address]], list_name=f"Verteiler {token}", track_replies=True)
        used.add(address)
        messages[name] = Message.objects.create(
            mailing=mailing, contact=contacts[address], email=address, locale="de", token=token,
            status=Message.Status.ACCEPTED, message_id=f"<{token}@{mail_settings.MAIL_DOMAIN}>",
        )
    return messages
