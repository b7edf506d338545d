"""A press officer writes a mailing in German and English, previews it, tests it and sends it, in a real browser.

The German admin, as the press office uses it. A real Celery worker sends the
batches into the outbox (the embedded default backend), in a folder of this
test's own.
"""

import re
from email import message_from_binary_file, policy
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from outreach.models import ContactList, ListMembership, Mailing, SenderIdentity
from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login
from tests.outreach.factories import ContactFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Einladung Industriedialog Krefeld"
TEST_ADDRESS = "pruefung@pressestelle.example.org"
SUBJECT_DE = "Einladung zum Industriedialog am 12. Mai"
SUBJECT_EN = "Invitation to the industry dialogue on 12 May"
BODY_DE = """<mjml><mj-body><mj-section><mj-column>
<mj-text>{{ salutation }}</mj-text>
<mj-text>Die Industriedialoge gehen weiter, {{ first_name }}: am 12. Mai in Krefeld.</mj-text>
</mj-column></mj-section></mj-body></mjml>"""
BODY_EN = """<mjml><mj-body><mj-section><mj-column>
<mj-text>{{ salutation }}</mj-text>
<mj-text>The industry dialogues continue, {{ first_name }}: on 12 May in Krefeld.</mj-text>
</mj-column></mj-section></mj-body></mjml>"""



@pytest.fixture
def outbox(settings, tmp_path) -> Path:
    """The outbox backend writing below tmp_path; the live server and the worker thread read the same settings."""
    settings.MAIL_BACKEND = "outbox"
    settings.MAIL_OUTBOX_DIR = str(tmp_path / "outbox")
    settings.MAIL_DOMAIN = "mail.dialogdesk.test"
    return tmp_path / "outbox"


@pytest.fixture
def audience():
    """A list of four: three German contacts (the first is the preview's sample) and one English."""
    contacts = [
        ContactFactory(email="jana.mueller@example.org", first_name="Jana", last_name="Müller", salutation="ms"),
        ContactFactory(email="peter.schaefer@example.org", first_name="Peter", last_name="Schäfer", salutation="mr"),
        ContactFactory(email="aylin.demir@example.org", first_name="Aylin", last_name="Demir", salutation="ms"),
        ContactFactory(email="sarah.smith@example.org", first_name="Sarah", last_name="Smith", salutation="ms",
                       language="en"),
    ]
    contact_list = ContactList.objects.create(name="Presseverteiler Niederrhein")
    ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact=c) for c in contacts])
    return contact_list, contacts


@pytest.fixture
def sender():
    return SenderIdentity.objects.create(
        label="Pressestelle Bündnis", from_name="Bündnis Zukunft der Industrie", from_email="presse@dialogdesk.test",
        reply_to_email="antwort@dialogdesk.test",
        imprint="Bündnis Zukunft der Industrie\nWilhelmstraße 1, 10117 Berlin",
    )


def outbox_mails(folder: Path) -> list:
    mails = []
    for path in sorted(folder.glob("*.eml")):
        with open(path, "rb") as handle:
            mails.append(message_from_binary_file(handle, policy=policy.default))
    return mails


def test_press_officer_writes_tests_and_sends_a_mailing(
    browser, live_server, press_office_user, outbox, audience, sender, celery_worker_thread
):
    contact_list, contacts = audience
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)

    admin_login(page, live_server, press_office_user.username, PRESS_OFFICE_PASSWORD)

    # 1. From the menu to the mailings, and a new one.
    page.get_by_role("button", name="Aussendungen", exact=True).click()
    page.get_by_role("link", name="Aussendungen", exact=True).click()
    page.wait_for_url(f"**{reverse('outreach_mailings:index')}")
    page.get_by_role("link", name="Aussendung hinzufügen").click()
    page.wait_for_url(f"**{reverse('outreach_mailings:add')}")

    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Absender").select_option(label=str(sender))
    page.get_by_label(contact_list.name).check()
    german = page.get_by_role("group", name="Deutsch")
    german.get_by_label("Betreff").fill(SUBJECT_DE)
    # Raw MJML is the expert option; blocks are the default.
    german.get_by_label("MJML (responsives E-Mail-Layout, für Fortgeschrittene)").check()
    german.get_by_label("Text (MJML oder HTML)").fill(BODY_DE)
    english = page.get_by_role("group", name="Englisch")
    english.get_by_label("Betreff").fill(SUBJECT_EN)
    english.get_by_label("MJML (responsives E-Mail-Layout, für Fortgeschrittene)").check()
    english.get_by_label("Text (MJML oder HTML)").fill(BODY_EN)
    page.get_by_role("button", name="Erstellen").click()

    mailing_overview = re.compile(r".*/outreach/mailings/\d+/overview/$")
    page.wait_for_url(mailing_overview)
    mailing = Mailing.objects.get(title=TITLE)
    assert (mailing.sender, list(mailing.lists.all())) == (sender, [contact_list])
    expect(page.locator("[data-count=recipients]")).to_have_text(str(len(contacts)))

    # 2. The German preview: subject, and the body rendered for the first German contact in an iframe.
    page.get_by_role("row", name=re.compile("Deutsch")).get_by_role("link", name="Vorschau").click()
    page.wait_for_url(f"**{reverse('outreach_mailings:preview', args=[mailing.pk, 'de'])}")
    expect(page.locator("[data-preview-subject]")).to_have_text(SUBJECT_DE)
    preview = page.get_by_title("E-Mail-Vorschau").content_frame
    expect(preview.get_by_text("Die Industriedialoge gehen weiter, Jana: am 12. Mai in Krefeld.")).to_be_visible()
    expect(preview.get_by_text("Sehr geehrte Frau Müller,")).to_be_visible()
    expect(preview.locator("body")).not_to_contain_text("{{")

    # 3. A test to a named address, in every language: it lands in the outbox, marked [TEST].
    # The sandboxed preview iframe runs in a process of its own; right after scrolling, headless Chromium
    # still routes a mouse click at the button below it to that process, and the click is lost. Enter on
    # the focused link is what a keyboard user does, and needs no hit-testing.
    page.get_by_role("link", name="Test senden").press("Enter")
    page.wait_for_url(f"**{reverse('outreach_mailings:test_send', args=[mailing.pk])}")
    page.get_by_label("Test senden an").fill(TEST_ADDRESS)
    page.get_by_role("button", name="Test senden").click()
    expect(page.locator("[data-test-results]")).to_contain_text(TEST_ADDRESS)
    tests = outbox_mails(outbox / f"{mailing.pk}-test")
    assert sorted(str(mail["Subject"]) for mail in tests) == [f"[TEST] {SUBJECT_DE}", f"[TEST] {SUBJECT_EN}"]
    assert {mail["To"].addresses[0].addr_spec for mail in tests} == {TEST_ADDRESS}
    assert not (outbox / str(mailing.pk)).exists()  # nobody in the audience got anything

    # 4. Send: the confirmation names the number of recipients; the worker sends; the page follows.
    page.get_by_role("link", name="Zurück zur Aussendung").click()
    page.get_by_role("link", name="Senden…").click()
    list_size = contact_list.memberships.count()
    expect(page.locator("[data-count=recipients]")).to_have_text(str(list_size))
    page.get_by_role("button", name=f"Jetzt an {list_size} Personen senden").click()
    page.wait_for_url(f"**{reverse('outreach_mailings:progress', args=[mailing.pk])}")
    # The page polls every 2 s and reloads itself when the status changes.
    expect(page.locator("[data-field=status_label]")).to_have_text("Versendet", timeout=30_000)
    expect(page.locator("[data-mailing-progress]")).to_have_attribute("value", "100")
    expect(page.locator("[data-field=accepted]")).to_have_text(str(len(contacts)))

    sent = {mail["To"].addresses[0].addr_spec: str(mail["Subject"]) for mail in outbox_mails(outbox / str(mailing.pk))}
    assert sent == {
        contact.email: SUBJECT_EN if contact.language == "en" else SUBJECT_DE for contact in contacts
    }

    # 5. The report counts every one as delivered.
    page.get_by_role("link", name="Bericht").click()
    delivered = page.get_by_role("row", name=re.compile("Zugestellt"))
    expect(delivered.locator("[data-number]")).to_have_text(str(len(contacts)))
    # The chart draws the delivered bar: its coordinates must be SVG numbers in the German admin too.
    chart = page.get_by_role("img", name="Zugestellt, eindeutige Öffnungen und Klicks im Zeitverlauf")
    delivered_bar = chart.locator("rect").first
    assert delivered_bar.bounding_box()["height"] > 100
    mailing.refresh_from_db()
    assert (mailing.status, mailing.recipients_count) == (Mailing.Status.SENT, len(contacts))

    # 6. The press officer reads one of the mails in the admin's outbox, as it went out.
    english_contact = next(contact for contact in contacts if contact.language == "en")
    page.get_by_role("button", name="Aussendungen", exact=True).click()
    page.get_by_role("link", name="Postausgang").click()
    page.get_by_label("Aussendung", exact=True).select_option(label=TITLE)
    rows = page.locator("[data-outbox] tbody tr")
    expect(rows).to_have_count(len(contacts))
    rows.filter(has_text=english_contact.email).get_by_role("link").click()
    expect(page.locator("[data-outbox-subject]")).to_have_text(SUBJECT_EN)
    mail = page.frame_locator("iframe[title='E-Mail']")
    expect(mail.get_by_text(f"The industry dialogues continue, {english_contact.first_name}")).to_be_visible()
