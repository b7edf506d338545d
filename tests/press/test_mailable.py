"""A press release is mailed through outreach's real engine: the demo mailing uses the page as its source.

Before the embargo, subject and top of the body carry it in each recipient's language.
"""

import datetime
from email import message_from_binary_file, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from outreach.models import Contact, Mailing
from outreach.services.demo import demo_contacts_load
from outreach.services.demo_mailing import TITLE as DEMO_MAILING_TITLE
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from outreach.services.test_sends import mailing_test_send
from press.models import PressReleasePage
from press.services.demo import demo_press_load
from tests.outreach.sending_fixtures import mail_settings, smtp_settings, smtp_sink  # noqa: F401
from tests.press.factories import release_create

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def demo_mailing():
    demo_contacts_load()
    demo_press_load()
    return Mailing.objects.get(title=DEMO_MAILING_TITLE)


def read_outbox(folder: Path) -> dict:
    mails = {}
    for path in folder.glob("*.eml"):
        with open(path, "rb") as handle:
            mail = message_from_binary_file(handle, policy=policy.default)
        mails[mail["To"].addresses[0].addr_spec] = mail
    return mails


def test_the_demo_mailing_takes_its_content_from_the_release_page(demo_mailing, german):
    release = PressReleasePage.objects.get(locale=german, slug="n3tzwerk-unterstuetzt-industriedialog-in-regionen")

    assert demo_mailing.source == f"press.pressreleasepage:{release.pk}"
    assert not demo_mailing.contents.exists()  # no copy of the text any more


@pytest.mark.usefixtures("mail_settings")
def test_the_engine_sends_the_release_to_the_outbox_in_each_recipients_language(demo_mailing, mail_settings):
    mailing = mailing_send(mailing=demo_mailing)
    result = message_batch_send(mailing_id=mailing.pk, worker_task_id="press-test")

    mails = read_outbox(Path(mail_settings.MAIL_OUTBOX_DIR) / str(mailing.pk))
    assert result.accepted == len(mails) == 5
    german = mails["anna.becker@example.org"]
    english = mails["claire.martin@example.org"]
    assert german["Subject"] == "Medieninformation: N3tzwerk unterstützt Industriedialog in Regionen"
    assert english["Subject"] == "Press release: N3tzwerk supports the industry dialogue in the regions"
    german_html = german.get_body(("html",)).get_content()
    assert "Sehr geehrte Frau Becker" in german_html
    assert "Berlin, 16. Januar 2017." in german_html
    assert "Simone Ebel-Schmidt" in german_html and "(0170) 3333 718" in german_html
    assert "Über das N3tzwerk Zukunft der Industrie" in german_html
    english_text = english.get_body(("plain",)).get_content()
    assert "Industry in Germany stands for" in english_text and "About N3tzwerk" in english_text
    assert "SPERRFRIST" not in german["Subject"] and "EMBARGO" not in english_text


@pytest.mark.usefixtures("smtp_settings")
def test_before_the_embargo_subject_and_top_of_body_carry_it_in_the_recipients_language(
    newsroom, smtp_sink, english
):
    embargo = (timezone.now() + datetime.timedelta(days=2)).astimezone(BERLIN).replace(
        hour=10, minute=30, second=0, microsecond=0
    )
    release = release_create(newsroom=newsroom, embargo=embargo, translate=True)
    assert not release.live and not release.get_translation(english).live  # both scheduled
    demo_contacts_load()
    mailing = Mailing.objects.create(title="Vorab unter Sperrfrist", source=f"press.pressreleasepage:{release.pk}",
                                     sender=Mailing.objects.get(title=DEMO_MAILING_TITLE).sender)

    mailing_test_send(mailing=mailing, addresses=["redaktion@example.org"])

    by_subject = {item.message["Subject"]: item.message for item in smtp_sink.received}
    german_line = f"SPERRFRIST: {embargo:%d.%m.%Y}, 10:30 Uhr"
    english_line = f"EMBARGO: {embargo.day} {embargo:%B %Y}, 10:30 (Berlin time)"
    assert sorted(by_subject) == sorted([
        f"[TEST] {german_line} – Sperrfrist-Test: Neue Modellregion",
        f"[TEST] {english_line} – Embargo test: a new model region",
    ])
    for subject, line in ((f"[TEST] {german_line} – Sperrfrist-Test: Neue Modellregion", german_line),
                          (f"[TEST] {english_line} – Embargo test: a new model region", english_line)):
        text = by_subject[subject].get_body(("plain",)).get_content()
        assert text.lstrip().startswith(line), text[:200]
    assert Contact.objects.filter(email="redaktion@example.org").count() == 0
