"""The local outbox in the admin: what the embedded default "sent", readable by the press office only."""

from pathlib import Path

import pytest
from django.urls import reverse

from outreach.models import MailingAttachment, Message
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from outreach.tracking.tokens import open_signature
from tests.outreach.sending_fixtures import mail_settings, make_contacts, make_mailing, sender  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]
PDF = b"%PDF-1.4 \x00\xff binary invitation"


@pytest.fixture
def sent(sender, mail_settings):
    mailing = make_mailing(sender=sender, contacts=make_contacts(3), locales=("de",), track_opens=True)
    mailing_send(mailing=mailing)
    MailingAttachment.objects.create(mailing=mailing, locale="de", filename="einladung.pdf",
                                     mimetype="application/pdf", content=PDF)
    message_batch_send(mailing_id=mailing.pk, worker_task_id="outbox-batch")
    return mailing


def message_url(mailing, message: Message, view="message", *args):
    return reverse(f"outreach_outbox:{view}", args=[str(mailing.pk), message.provider_message_id, *args])


def test_the_listing_shows_each_message_under_its_mailing(press_client, sent):
    response = press_client.get(reverse("outreach_outbox:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for message in Message.objects.filter(mailing=sent):
        assert message.email in page
        assert message_url(sent, message) in page
    assert sent.title in page and "3 messages" in page
    filtered = press_client.get(reverse("outreach_outbox:index"), {"folder": "other"})
    assert "The outbox is empty." in filtered.content.decode()


def test_a_message_reads_as_sent_without_loading_remote_images(press_client, sent):
    message = Message.objects.filter(mailing=sent).first()
    response = press_client.get(message_url(sent, message))
    assert response.status_code == 200
    page = response.content.decode()
    assert message.email in page and "Einladung zum Industriedialog" in page
    assert f'{reverse("outreach_outbox:index")}?folder={sent.pk}' in page  # back to this mailing's mails
    assert "Abmelden" in response.context["message"].text
    # The open pixel is in the HTML; the iframe's own policy keeps it from loading (and counting an open).
    assert open_signature(message.token) in response.context["message"].html
    assert response.context["preview_html"].startswith('<meta http-equiv="Content-Security-Policy"')
    assert "img-src data:" in response.context["preview_html"]
    assert 'sandbox="allow-popups' in page and "allow-scripts" not in page

    attachment = press_client.get(message_url(sent, message, "attachment", 0))
    assert attachment.content == PDF and attachment["Content-Type"] == "application/pdf"
    assert attachment["Content-Disposition"] == 'attachment; filename="einladung.pdf"'
    raw = press_client.get(message_url(sent, message, "raw"))
    folder = Path(sent_outbox_dir()) / str(sent.pk)
    assert raw.content == (folder / message.provider_message_id).read_bytes()
    assert raw["Content-Disposition"].startswith("attachment;")


def sent_outbox_dir():
    from outreach.delivery.outbox import outbox_dir

    return outbox_dir()


@pytest.mark.parametrize("folder,name", [
    ("..", "0" * 32 + ".eml"), ("1", "..%2F..%2Fsettings.py"), ("1", "passwd"), ("other", "0" * 32 + ".eml"),
])
def test_names_outside_the_outbox_or_unknown_get_404(press_client, sent, folder, name):
    response = press_client.get(f"/admin/outreach/outbox/{folder}/{name}/")
    assert response.status_code == 404
    assert press_client.get(f"/admin/outreach/outbox/{folder}/{name}/raw/").status_code == 404


def test_an_attachment_that_is_not_there_gets_404(press_client, sent):
    message = Message.objects.filter(mailing=sent).first()
    assert press_client.get(message_url(sent, message, "attachment", 5)).status_code == 404


@pytest.mark.parametrize("who", ["editor", "initiative_partner"])
def test_only_the_press_office_reads_the_outbox(request, client, sent, who):
    client.force_login(request.getfixturevalue(who))
    message = Message.objects.filter(mailing=sent).first()
    for url in (reverse("outreach_outbox:index"), message_url(sent, message), message_url(sent, message, "raw")):
        response = client.get(url)
        assert response.status_code == 403 or (response.status_code == 302 and "/login/" not in response["Location"])
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("outreach_outbox:index") not in menu


def test_the_press_office_finds_it_in_the_menu(press_client):
    assert reverse("outreach_outbox:index") in press_client.get(reverse("wagtailadmin_home")).content.decode()
