"""Replies on the mailing's report: what people wrote back, with auto-replies kept apart."""

import pytest
from django.urls import reverse

from outreach.selectors_tracking import mailing_replies
from outreach.services.inbound import inbound_process
from tests.outreach.inbound_fixtures import inbound_storage, sample, sent_messages  # noqa: F401
from tests.outreach.sending_fixtures import mail_settings, sender  # noqa: F401
from tests.outreach.test_admin_mailings import english_admin  # noqa: F401

pytestmark = pytest.mark.django_db


def test_replies_and_auto_replies_of_the_mailing_and_no_other(press_client, sent_messages):
    for name in ("reply_html_only.eml", "ooo_english.eml", "reply_german.eml"):
        inbound_process(sample(name), source="pipe")
    mailing = sent_messages["reply_html_only.eml"].mailing
    assert sent_messages["reply_german.eml"].mailing != mailing  # the same contact had this mailing already

    replies = mailing_replies(mailing=mailing)
    assert (replies.total, replies.auto_total) == (1, 1)
    assert replies.replies[0].contact.email == "j.schmidt@wirtschaftsmagazin.example"
    assert replies.auto_replies[0].contact.email == "tom.baker@newsdesk.example"

    response = press_client.get(reverse("outreach_mailings:report", args=[mailing.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    section = page[page.index('id="replies"'):]
    assert "Replies (1)" in page
    reply = replies.replies[0]
    assert reply.text and reply.text.splitlines()[0] in section
    assert reverse("outreach_contacts:inspect", args=[reply.contact.pk]) in section
    assert "1 auto-reply (out of office and the like)" in section
    # The other mailing's reply is not on this report.
    other = mailing_replies(mailing=sent_messages["reply_german.eml"].mailing).replies[0]
    assert other.text.splitlines()[0] not in section


def test_a_mailing_without_replies_says_so(press_client, sent_messages):
    mailing = sent_messages["reply_html_only.eml"].mailing
    response = press_client.get(reverse("outreach_mailings:report", args=[mailing.pk]))
    assert "No replies yet." in response.content.decode()
    assert "data-report-auto-replies" not in response.content.decode()
