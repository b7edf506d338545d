"""A distribution through the real engine: admin send -> broker -> Celery worker -> SMTP sink.

Each recipient gets the release from the press officer (From and Reply-To),
with the salutation and their own personal note above the release, sanitised;
the engine renders once per language and fills the note per recipient.
"""

import time

import pytest
from django.urls import reverse

from outreach.models import FollowUp, InboundMessage, Mailing, Message
from outreach.rendering import render_counts
from press.services.distributions import distribution_create
from tests.outreach.sending_fixtures import mail_settings, smtp_settings, smtp_sink  # noqa: F401
from tests.outreach.inbound_fixtures import inbound_storage  # noqa: F401
from tests.press.distribution_fixtures import contact_list, journalist, officer, seed_release  # noqa: F401
from tests.press.response_fixtures import reply_mail

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
    # Answers go to anna's own reply address, are recorded and then forwarded to the officer.
    anna_message = Message.objects.get(mailing_id=distribution.mailing_id, email="anna@zeitung.example")
    assert message["Reply-To"].addresses[0].addr_spec == f"reply+{anna_message.token}@mail.dialogdesk.test"
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


def test_a_journalist_s_reply_is_recorded_closes_the_follow_up_and_reaches_the_officer(
        celery_worker_thread, smtp_sink, client, officer, seed_release, inbound_storage):
    from outreach.services.inbound import inbound_process

    anna = journalist("anna@zeitung.example", first_name="Anna", last_name="Schmidt")
    ben = journalist("ben@radio.example", first_name="Ben", last_name="Berg")
    distribution = distribution_create(release=seed_release, officer=officer,
                                       lists=[contact_list("Verteiler Antworten", [anna, ben])])
    client.force_login(officer)
    client.post(reverse("press_distribution", args=[distribution.pk]), {"action": "send"})
    wait_until(lambda: len(smtp_sink.received) == 2, what="distribution sent")
    pitch = next(item.message for item in smtp_sink.received if item.rcpt_tos == ["anna@zeitung.example"])
    message = Message.objects.get(mailing_id=distribution.mailing_id, contact=anna)
    client.post(reverse("press_release_responses", args=[seed_release.pk]),
                {"contact": [anna.pk, ben.pk], "owner": officer.pk, "due_on": "2030-01-01"})
    assert FollowUp.objects.filter(status=FollowUp.Status.OPEN).count() == 2

    # Anna answers to the Reply-To of the mail she got; the mail server pipes it in (manage.py ingest_mail).
    assert pitch["Reply-To"].addresses[0].addr_spec == f"reply+{message.token}@mail.dialogdesk.test"
    result = inbound_process(reply_mail(message, "Gern, ich rufe Sie morgen an."), source="pipe",
                             envelope_recipient=pitch["Reply-To"].addresses[0].addr_spec)
    inbound_process(reply_mail(Message.objects.get(mailing_id=distribution.mailing_id, contact=ben),
                               "Bin im Urlaub.", auto=True), source="pipe")

    wait_until(lambda: InboundMessage.objects.filter(pk=result["inbound_message_id"], forwarded_at__isnull=False)
               .exists(), what="reply forwarded")
    forward = smtp_sink.received[-1]
    assert forward.rcpt_tos == ["ebel-schmidt@presse.example.org"] and len(smtp_sink.received) == 3
    assert forward.message["Reply-To"].addresses[0].addr_spec == "anna@zeitung.example"
    assert "Gern, ich rufe Sie morgen an." in forward.message.get_body(("plain",)).get_content()
    assert FollowUp.objects.get(contact=anna).status == FollowUp.Status.DONE
    assert FollowUp.objects.get(contact=ben).status == FollowUp.Status.OPEN  # an out-of-office is no answer
    page = client.get(reverse("press_release_responses", args=[seed_release.pk]), {"show": "replied"})
    assert "Gern, ich rufe Sie morgen an." in page.content.decode()
    time.sleep(0.5)
    assert len(smtp_sink.received) == 3  # the out-of-office was not forwarded
def test_the_art14_notice_goes_with_the_first_press_mail_only_in_each_recipient_s_language(
        celery_worker_thread, smtp_sink, client, officer, seed_release):
    from outreach.models import ActivityEvent, Contact

    public = journalist("dirk@tageblatt.example", first_name="Dirk", last_name="Dorn", data_origin="public",
                        legal_basis="legitimate-interest", source="Impressum des Tageblatts")
    bought = journalist("erin@wire.example", first_name="Erin", last_name="Ellis", language="en",
                        data_origin="purchased", legal_basis="legitimate-interest", source="Media list 2026")
    own = journalist("frank@funk.example", first_name="Frank", last_name="Falk", data_origin="person",
                     legal_basis="consent")
    client.force_login(officer)

    def distribute(name: str) -> dict:
        distribution = distribution_create(release=seed_release, officer=officer,
                                           lists=[contact_list(name, [public, bought, own])])
        before = len(smtp_sink.received)
        assert client.post(reverse("press_distribution", args=[distribution.pk]), {"action": "send"}).status_code == 302
        wait_until(lambda: Mailing.objects.get(pk=distribution.mailing_id).status == Mailing.Status.SENT,
                   what=f"{name} sent")
        return {received.rcpt_tos[0]: parts(received) for received in smtp_sink.received[before:]}

    first = distribute("Verteiler Art. 14 erste")
    _message, html, text = first["dirk@tageblatt.example"]
    assert "Datenschutzhinweis (Art. 14 DSGVO)" in text and "Impressum des Tageblatts" in text
    assert "Datenschutzhinweis (Art. 14 DSGVO)" in html
    _message, html, text = first["erin@wire.example"]
    assert "Privacy notice (Art. 14 GDPR)" in text and "Media list 2026" in text and "Datenschutzhinweis" not in text
    assert "Privacy notice (Art. 14 GDPR)" in html
    _message, html, text = first["frank@funk.example"]
    assert "Art. 14" not in text and "Art. 14" not in html  # from the person: nothing owed

    for contact in (public, bought):
        assert Contact.objects.get(pk=contact.pk).art14_notice_sent_at is not None
    assert Contact.objects.get(pk=own.pk).art14_notice_sent_at is None

    second = distribute("Verteiler Art. 14 zweite")
    assert sorted(second) == ["dirk@tageblatt.example", "erin@wire.example", "frank@funk.example"]
    for _message, html, text in second.values():
        assert "Art. 14" not in text and "Art. 14" not in html
    notices = ActivityEvent.objects.filter(kind=ActivityEvent.Kind.NOTICE_SENT, contact__in=[public, bought, own])
    assert sorted(notices.values_list("contact__email", flat=True)) == ["dirk@tageblatt.example", "erin@wire.example"]
