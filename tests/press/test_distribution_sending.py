"""A distribution through the real engine: admin send -> broker -> Celery worker -> SMTP sink.

Each recipient gets the release from the press officer (From and Reply-To),
with the salutation and their own personal note above the release, sanitised;
the engine renders once per language and fills the note per recipient.
"""

import time

import pytest
from django.urls import reverse

from outreach.models import Mailing, Message
from outreach.rendering import render_counts
from press.services.distributions import distribution_create
from tests.outreach.sending_fixtures import mail_settings, smtp_settings, smtp_sink  # noqa: F401
from tests.press.distribution_fixtures import contact_list, journalist, officer, seed_release  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("smtp_settings"),
]


def wait_until(condition, *, timeout: float = 30.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s: {what}")


def parts(received):
    message = received.message
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    return message, html, text


def test_a_distribution_reaches_each_journalist_with_their_own_note(celery_worker_thread, smtp_sink, client, officer,
                                                                    seed_release):
    anna = journalist("anna@zeitung.example", first_name="Anna", last_name="Schmidt", salutation="ms")
    ben = journalist("ben@radio.example", first_name="Ben", last_name="Berg", salutation="mr")
    carla = journalist("carla@online.example", first_name="Carla", last_name="Cordes", language="en")
    distribution = distribution_create(release=seed_release, officer=officer,
                                       lists=[contact_list("Verteiler Versand", [anna, ben, carla])])
    client.force_login(officer)
    url = reverse("press_distribution", args=[distribution.pk])
    client.post(url, {"action": "notes",
                      f"note-{anna.pk}": "Liebe Frau Schmidt,\nwie am Telefon besprochen: <b>exklusiv</b> vorab."
                                         '<script>alert("x")</script>',
                      f"note-{ben.pk}": '<p onmouseover="x()">Für Ihre Sendung am Montag.</p>'})
    render_counts.clear()

    response = client.post(url, {"action": "send"})

    assert response.status_code == 302
    wait_until(lambda: Mailing.objects.get(pk=distribution.mailing_id).status == Mailing.Status.SENT,
               what="distribution sent")
    assert sorted(smtp_sink.recipients()) == ["anna@zeitung.example", "ben@radio.example", "carla@online.example"]
    assert Message.objects.filter(mailing_id=distribution.mailing_id, status=Message.Status.ACCEPTED).count() == 3
    mails = {received.rcpt_tos[0]: parts(received) for received in smtp_sink.received}

    message, html, text = mails["anna@zeitung.example"]
    assert message["From"].addresses[0].display_name == "Simone Ebel-Schmidt"
    assert message["From"].addresses[0].addr_spec == "ebel-schmidt@presse.example.org"
    assert message["Reply-To"].addresses[0].addr_spec == "ebel-schmidt@presse.example.org"
    assert "Medieninformation: N3tzwerk unterstützt Industriedialog in Regionen" == message["Subject"]
    assert "Sehr geehrte Frau Schmidt," in html
    assert "wie am Telefon besprochen: <b>exklusiv</b> vorab." in html
    assert html.index("Sehr geehrte Frau Schmidt,") < html.index("exklusiv") < html.index("Berlin, 16. Januar 2017")
    assert "<script" not in html and "alert" not in html
    assert "wie am Telefon besprochen: exklusiv vorab." in text
    assert "{{" not in html and "{{" not in text

    _message, html, text = mails["ben@radio.example"]
    assert "Sehr geehrter Herr Berg," in html and "Für Ihre Sendung am Montag." in html
    assert "onmouseover" not in html and "exklusiv" not in html

    _message, html, text = mails["carla@online.example"]
    assert "Dear Carla Cordes," in html and "N3tzwerk supports the industry dialogue" in html
    assert "exklusiv" not in html and "Sendung" not in html
    # MJML once per language (de, en), not once per recipient.
    assert render_counts["mjml"] == 2
