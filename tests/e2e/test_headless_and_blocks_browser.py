"""In a real browser: "Live anzeigen" and the preview panel answer without a front end; a mailing is written with
blocks, previewed at phone width, and a mailing still holding the starter layout cannot be sent.

Screenshots go to /tmp/shots-headless/ for a person to look at.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cms.models import NewsArticlePage, NewsIndexPage
from outreach.models import ContactList, ListMembership, Mailing, SenderIdentity
from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login
from tests.outreach.factories import ContactFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots-headless")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"e2e-{name}.png"), full_page=True)


@pytest.fixture
def editor_with_password(settings, django_user_model, press_office_user):
    settings.FRONTEND_URL = ""
    settings.WAGTAIL_HEADLESS_PREVIEW = {**settings.WAGTAIL_HEADLESS_PREVIEW, "CLIENT_URLS": {"default": ""}}
    return django_user_model.objects.create_superuser("live-root", "live-root@example.org", PRESS_OFFICE_PASSWORD)


def test_view_live_and_the_preview_panel_never_fail(browser, live_server, editor_with_password):
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    admin_login(page, live_server, editor_with_password.username, PRESS_OFFICE_PASSWORD)

    # Every "Live anzeigen" and status link in the explorer of the news section answers.
    news_index = NewsIndexPage.objects.get(locale__language_code="de")
    page.goto(f"{live_server.url}{reverse('wagtailadmin_explore', args=[news_index.pk])}")
    hrefs = page.eval_on_selector_all(
        "a", "links => links.filter(a => /Live anzeigen|Veröffentlicht/i.test(a.textContent)).map(a => a.href)")
    assert hrefs, "no 'Live anzeigen' link in the explorer"
    for href in dict.fromkeys(hrefs):
        response = page.goto(href)
        assert response.status == 200, (href, response.status)
        expect(page.locator("[data-plain-rendering]")).to_be_visible()
    shot(page, "live-1280")

    # The editor's preview panel shows what is typed, before saving, in the built-in rendering.
    article = NewsArticlePage.objects.filter(locale__language_code="de").live().first()
    page.goto(f"{live_server.url}{reverse('wagtailadmin_pages:edit', args=[article.pk])}")
    page.locator("#id_title").fill("Ungespeicherter Titel im Editor")
    page.locator("[data-side-panel-toggle='preview']").click()
    frame = page.frame_locator("#w-preview-iframe")
    expect(frame.get_by_role("heading", name="Ungespeicherter Titel im Editor")).to_be_visible()
    shot(page, "preview-panel-1280")

    # `/` says what this host is.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Zur Redaktion (Anmeldung)")).to_be_visible()


@pytest.fixture
def mailing_setup(settings, tmp_path, press_office_user):
    settings.MAIL_BACKEND = "outbox"
    settings.MAIL_OUTBOX_DIR = str(tmp_path / "outbox")
    sender = SenderIdentity.objects.create(label="Pressestelle", from_name="Bündnis Zukunft der Industrie",
                                           from_email="presse@dialogdesk.test", imprint="Wilhelmstraße 1, Berlin")
    contact_list = ContactList.objects.create(name="Presseverteiler Bausteine")
    contacts = [ContactFactory(email=f"person{n}@example.org", first_name="Jana", last_name=f"Müller{n}",
                               salutation="ms") for n in range(3)]
    ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact=c) for c in contacts])
    return sender, contact_list


def new_mailing(page, live_server, *, title: str, contact_list) -> None:
    page.goto(f"{live_server.url}{reverse('outreach_mailings:add')}")
    page.get_by_label("Titel").fill(title)
    page.get_by_label(contact_list.name).check()


def test_a_mailing_written_with_blocks_previewed_at_phone_width(browser, live_server, press_office_user,
                                                                 mailing_setup):
    _sender, contact_list = mailing_setup
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(15_000)
    # The block editor runs under the admin's Content-Security-Policy: no violation, no script error.
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    admin_login(page, live_server, press_office_user.username, PRESS_OFFICE_PASSWORD)

    new_mailing(page, live_server, title="Einladung mit Bausteinen", contact_list=contact_list)
    german = page.get_by_role("group", name="Deutsch")
    german.get_by_label("Betreff").fill("Einladung zum Industriedialog")
    # Blocks are the default; the raw MJML box is out of the way.
    expect(german.get_by_label("Bausteine: Text, Bild, Button, Trennlinie")).to_be_checked()
    expect(german.get_by_label("Text (MJML oder HTML)")).to_be_hidden()
    # The starter text block holds the salutation; a sentence goes after it.
    editor = german.locator(".public-DraftEditor-content").first
    editor.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Die Industriedialoge gehen weiter: am 12. Mai in Krefeld.")
    # A button below it.
    german.get_by_role("button", name="Einen Block einfügen").last.click()
    page.get_by_role("option", name="Button").click()
    german.get_by_label("Beschriftung").fill("Jetzt anmelden")
    german.get_by_label("Externe Adresse").fill("https://www.example.org/anmeldung")
    shot(page, "blocks-form-1280")
    page.get_by_role("button", name="Erstellen").click()
    page.wait_for_url(re.compile(r".*/outreach/mailings/\d+/overview/$"))
    mailing = Mailing.objects.get(title="Einladung mit Bausteinen")
    assert [block.block_type for block in mailing.contents.get().body_blocks] == ["text", "button"]
    expect(page.locator("[data-send-link]")).to_be_visible()  # nothing left of the starter: sendable

    # The preview at phone width: the mail fits, button and text are there.
    page.set_viewport_size({"width": 390, "height": 1000})
    page.goto(f"{live_server.url}{reverse('outreach_mailings:preview', args=[mailing.pk, 'de'])}")
    phone = page.frame_locator("[data-preview-mobile]")
    expect(phone.get_by_text("Die Industriedialoge gehen weiter: am 12. Mai in Krefeld.")).to_be_visible()
    expect(phone.get_by_role("link", name="Jetzt anmelden")).to_have_attribute(
        "href", "https://www.example.org/anmeldung")
    expect(phone.get_by_text("Sehr geehrte Frau Müller0,")).to_be_visible()
    frame_width = page.locator("[data-preview-mobile]").bounding_box()["width"]
    assert frame_width <= 390
    content_width = page.frame_locator("[data-preview-mobile]").locator("body").evaluate(
        "body => body.scrollWidth")
    assert content_width <= frame_width + 1, (content_width, frame_width)  # no sideways scrolling on a phone
    shot(page, "blocks-preview-390")
    assert problems == []


def test_the_starter_layout_cannot_be_sent(browser, live_server, press_office_user, mailing_setup):
    _sender, contact_list = mailing_setup
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(15_000)
    admin_login(page, live_server, press_office_user.username, PRESS_OFFICE_PASSWORD)

    new_mailing(page, live_server, title="Nur die Vorlage", contact_list=contact_list)
    german = page.get_by_role("group", name="Deutsch")
    german.get_by_label("Betreff").fill("Vorlage unverändert")
    german.get_by_label("MJML (responsives E-Mail-Layout, für Fortgeschrittene)").check()
    expect(german.get_by_label("Text (MJML oder HTML)")).to_have_value(re.compile(r'href="https://"'))
    page.get_by_role("button", name="Erstellen").click()
    page.wait_for_url(re.compile(r".*/outreach/mailings/\d+/overview/$"))

    problems = page.locator("[data-send-problems]")
    expect(problems).to_contain_text("Platzhalter „…“")
    expect(problems).to_contain_text("keine Adresse")
    blocked = page.locator("[data-send-blocked]")
    expect(blocked).to_be_disabled()
    expect(page.locator("#send-blocked-reason")).to_contain_text("Senden ist noch nicht möglich")
    expect(page.locator("[data-send-link]")).to_have_count(0)
    shot(page, "skeleton-refused-1280")
    page.set_viewport_size({"width": 390, "height": 1000})
    shot(page, "skeleton-refused-390")

    # The confirmation page, opened directly, refuses as well.
    mailing = Mailing.objects.get(title="Nur die Vorlage")
    page.goto(f"{live_server.url}{reverse('outreach_mailings:send', args=[mailing.pk])}")
    expect(page.get_by_text("Platzhalter „…“").first).to_be_visible()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT
