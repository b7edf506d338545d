"""Unsubscribing from a press mail ends press mail, and only that (issue #10, §4).

Through the real views: the RFC 8058 one-click POST, the footer link's page
and the List-Unsubscribe mailto. The address stays off the suppression list,
so newsletters and other mailings still reach the person; later
distributions leave them out; the report and the timeline say
"Presse-Abmeldung". "Unsubscribe from everything" and an objection stay global.
"""

import itertools
import re
from email import message_from_binary_file, policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from outreach.mailable import address_may_be_mailed
from outreach.models import ActivityEvent, Message, MessageEvent
from outreach.services.contacts import contact_object
from outreach.services.inbound import inbound_process
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from press.models import PressUnsubscribe
from press.services.distributions import distribution_audience, distribution_create, distribution_send
from tests.outreach.inbound_fixtures import inbound_storage  # noqa: F401
from tests.outreach.sending_fixtures import mail_settings, make_mailing, sender  # noqa: F401
from tests.outreach.test_security_unsubscribe_mail import mailto_address, unsubscribe_mail
from tests.press.distribution_fixtures import contact_list, journalist, officer, seed_release  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings", "inbound_storage")]
LIST_NUMBERS = itertools.count(1)


def send_distribution(*, release, officer, contacts) -> dict:
    """A distribution sent through the engine to the outbox: {address: parsed mail}."""
    distribution = distribution_create(release=release, officer=officer,
                                       lists=[contact_list(f"Verteiler {next(LIST_NUMBERS)}", contacts)])
    mailing = distribution_send(distribution=distribution, actor=officer)
    message_batch_send(mailing_id=mailing.pk, worker_task_id=f"press-{mailing.pk}")
    return outbox_mails(mailing.pk)


def outbox_mails(mailing_id: int) -> dict:
    from django.conf import settings

    mails = {}
    for path in sorted((Path(settings.MAIL_OUTBOX_DIR) / str(mailing_id)).glob("*.eml")):
        with open(path, "rb") as handle:
            mail = message_from_binary_file(handle, policy=policy.default)
        mails[mail["To"].addresses[0].addr_spec] = mail
    return mails


def one_click_path(mail) -> str:
    url = re.search(r"<(https?://[^>]+)>", str(mail["List-Unsubscribe"])).group(1)
    return urlsplit(url).path


def footer_path(mail) -> str:
    html = mail.get_body(("html",)).get_content()
    return urlsplit(re.search(r'href="(https?://[^"]+/o/u/[^"]+)"', html).group(1)).path


@pytest.fixture
def journalists():
    return [journalist(f"{name}@zeitung.example", first_name=name.title(), last_name="Muster")
            for name in ("anna", "ben", "carla", "dora")]


def test_each_way_out_of_a_press_mail_ends_press_mail_only(client, officer, seed_release, journalists, sender):  # noqa: F811
    anna, ben, carla, dora = journalists
    mails = send_distribution(release=seed_release, officer=officer, contacts=journalists)
    assert set(mails) == {c.email for c in journalists}

    assert client.post(one_click_path(mails[anna.email]), {"List-Unsubscribe": "One-Click"}).status_code == 200
    page = client.get(footer_path(mails[ben.email]))
    with translation.override("de"):
        assert "Pressemitteilungen" in page.content.decode()  # the page names what ends
    assert client.post(footer_path(mails[ben.email]), {"scope": "this"}).status_code == 200
    result = inbound_process(unsubscribe_mail(mailto_address(mails[carla.email])), source="pipe")
    assert result["effects"] == ["unsubscribed"]

    left = set(PressUnsubscribe.objects.values_list("contact__email", flat=True))
    assert left == {anna.email, ben.email, carla.email}
    for contact in (anna, ben, carla, dora):
        # Not on the suppression list: newsletters and other mailings still reach them.
        assert address_may_be_mailed(contact.email)
    sources = dict(MessageEvent.objects.filter(kind=MessageEvent.Kind.UNSUBSCRIBE)
                   .values_list("message__contact__email", "data__source"))
    assert sources == {anna.email: "one-click", ben.email: "link", carla.email: "mailto"}
    timeline = ActivityEvent.objects.get(contact=anna, kind=ActivityEvent.Kind.UNSUBSCRIBED)
    assert timeline.summary.startswith("Presse-Abmeldung: ")

    # A mailing that is not press mail still goes to them ...
    other = mailing_send(mailing=make_mailing(sender=sender, contacts=[anna, ben], locales=("de",)))
    assert Message.objects.filter(mailing=other).count() == 2
    # ... and the next distribution leaves them out.
    again = send_distribution(release=seed_release, officer=officer, contacts=journalists)
    assert set(again) == {dora.email}


def test_a_press_unsubscribe_after_the_freeze_stops_the_rest(client, officer, seed_release, journalists):  # noqa: F811
    anna, ben, *_rest = journalists
    first = send_distribution(release=seed_release, officer=officer, contacts=[anna])
    distribution = distribution_create(release=seed_release, officer=officer,
                                       lists=[contact_list("Verteiler spät", [anna, ben])])
    mailing = distribution_send(distribution=distribution, actor=officer)
    client.post(one_click_path(first[anna.email]), {"List-Unsubscribe": "One-Click"})

    result = message_batch_send(mailing_id=mailing.pk, worker_task_id="late")

    assert (result.accepted, result.cancelled) == (1, 1)
    assert set(outbox_mails(mailing.pk)) == {ben.email}
    assert not distribution_audience(distribution=distribution).filter(pk=anna.pk).exists()


def test_unsubscribe_from_everything_and_objection_stay_global(client, officer, seed_release, journalists):  # noqa: F811
    anna, ben, *_rest = journalists
    mails = send_distribution(release=seed_release, officer=officer, contacts=[anna, ben])

    client.post(footer_path(mails[anna.email]), {"scope": "all"})
    contact_object(contact=ben, actor=officer, note="Widerspruch per Telefon")

    assert not address_may_be_mailed(anna.email) and not address_may_be_mailed(ben.email)
    assert not PressUnsubscribe.objects.exists()
    with pytest.raises(ValidationError, match="2"):  # nobody to send to: both suppressed
        send_distribution(release=seed_release, officer=officer, contacts=[anna, ben])


def test_the_report_says_presse_abmeldung(client, officer, seed_release, journalists):  # noqa: F811
    anna, *_rest = journalists
    mails = send_distribution(release=seed_release, officer=officer, contacts=journalists)
    client.post(one_click_path(mails[anna.email]), {"List-Unsubscribe": "One-Click"})
    mailing_id = Message.objects.get(contact=anna).mailing_id
    officer.locale = "de"

    client.force_login(officer)
    with translation.override("de"):
        page = client.get(reverse("outreach_mailings:report", args=[mailing_id]), HTTP_ACCEPT_LANGUAGE="de")

    assert page.status_code == 200
    assert "Presse-Abmeldung: 1" in page.content.decode()
