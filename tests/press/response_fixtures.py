"""A distributed release and what came back from its recipients, each answer through the engine's own path.

The messages are recorded as the engine records an accepted send (the sending itself is
test_distribution_sending's subject); opens, clicks, unsubscribes and bounces go through the tracking
and bounce services, and replies through inbound mail (outreach.services.inbound.inbound_process).
"""

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.utils import timezone

from outreach.delivery import headers
from outreach.models import Contact, Mailing, Message, MessageEvent
from outreach.services.inbound import inbound_process, message_bounced
from outreach.services.tracking import message_unsubscribe
from press.models import Clipping, Distribution
from press.services.distributions import distribution_create
from tests.press.distribution_fixtures import contact_list, journalist


def reply_mail(message: Message, text: str, *, auto: bool = False, sender: str | None = None) -> bytes:
    """A journalist's answer to the message, as their mail client sends it to the reply address."""
    mail = EmailMessage()
    mail["From"] = sender or message.email
    mail["To"] = headers.reply_address(message.token)
    mail["Subject"] = "Automatische Antwort: Medieninformation" if auto else "Re: Medieninformation"
    mail["Message-ID"] = make_msgid(domain="zeitung.example")
    mail["In-Reply-To"] = headers.message_id(message.token)
    mail["References"] = headers.message_id(message.token)
    if auto:
        mail["Auto-Submitted"] = "auto-replied"
    mail.set_content(f"{text}\n\nAm 16.01.2017 um 10:00 schrieb Simone Ebel-Schmidt:\n> Sehr geehrte Frau ...\n")
    return mail.as_bytes()


def reply_arrives(message: Message, text: str, **kwargs) -> dict:
    return inbound_process(reply_mail(message, text, **kwargs), source="pipe",
                           envelope_recipient=headers.reply_address(message.token))


def accepted(distribution: Distribution, contacts) -> dict[str, Message]:
    """One accepted message per contact, as the engine leaves it after the send."""
    mailing = distribution.mailing
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENT, started_at=timezone.now(),
                                                 finished_at=timezone.now())
    return {contact.email: Message.objects.create(
        mailing=mailing, contact=contact, email=contact.email, locale="de", status=Message.Status.ACCEPTED,
        sent_at=timezone.now()) for contact in contacts}


def opened(message: Message, **data) -> None:
    MessageEvent.objects.create(message=message, kind=MessageEvent.Kind.OPEN, occurred_at=timezone.now(), data=data)


def clicked(message: Message) -> None:
    MessageEvent.objects.create(message=message, kind=MessageEvent.Kind.CLICK, occurred_at=timezone.now(),
                                data={"index": 0, "url": "https://n3tzwerk.example/"})


@dataclass
class Answered:
    distribution: Distribution
    messages: dict[str, Message]
    contacts: dict[str, Contact]
    clipping: Clipping


@pytest.fixture
def answered(officer, seed_release, mail_settings, inbound_storage) -> Answered:
    """Five journalists got the release: Anna replied, Ben opened and clicked, Carla bounced, Dora
    unsubscribed, Emil stayed silent (an out-of-office does not count). One clipping by Anna."""
    people = {
        "anna": journalist("anna@zeitung.example", first_name="Anna", last_name="Schmidt"),
        "ben": journalist("ben@radio.example", first_name="Ben", last_name="Berg"),
        "carla": journalist("carla@online.example", first_name="Carla", last_name="Cordes"),
        "dora": journalist("dora@magazin.example", first_name="Dora", last_name="Dietz"),
        "emil": journalist("emil@blatt.example", first_name="Emil", last_name="Ernst"),
    }
    distribution = distribution_create(release=seed_release, officer=officer,
                                       lists=[contact_list("Verteiler Rücklauf", people.values())])
    by_address = accepted(distribution, people.values())
    messages = {name: by_address[contact.email] for name, contact in people.items()}
    opened(messages["anna"], privacy_prefetch=False)
    reply_arrives(messages["anna"], "Danke, ich schreibe darüber am Montag.")
    opened(messages["ben"], privacy_prefetch=False)
    clicked(messages["ben"])
    message_bounced(message=messages["carla"], hard=True, status="5.1.1", diagnostic="user unknown",
                    occurred_at=timezone.now(), event_data={"stage": "dsn"}, reason="user_unknown")
    message_unsubscribe(token=messages["dora"].token, source="link")
    reply_arrives(messages["emil"], "Ich bin bis 20.01. nicht im Haus.", auto=True)
    clipping = Clipping.objects.create(release=seed_release, url="https://zeitung.example/industriedialog",
                                       headline="Industriedialog in den Regionen", outlet="Zeitung Example",
                                       reach=120000, journalist=people["anna"], fetch_status="fetched")
    return Answered(distribution=distribution, messages=messages, contacts=people, clipping=clipping)
