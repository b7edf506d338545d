"""Newsletters in a real Chromium (issue #11): a subscriber signs up on the fallback form, confirms from the
mail's link, changes topics and unsubscribes with one click; an editor writes an issue with teasers, previews
it at mobile width and sends it, watching it reach "Versendet".

A real Celery worker; mail goes to an outbox of this test's own (the embedded default backend), read the way a
person reads their mailbox: the links are followed in the browser.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cms.models import NewsArticlePage
from newsletters.models import NewsletterIssuePage, Subscription, SubscriptionEvent
from outreach.models import Mailing, Message
from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login
from tests.newsletters.conftest import Outbox, demo_newsletters, link_in, newsletter  # noqa: F401
from tests.newsletters.issues import issue_index

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ADDRESS = "clara.browser@example.org"


@pytest.fixture
def outbox(settings, tmp_path, live_server) -> Outbox:
    settings.MAIL_BACKEND = "outbox"
    settings.MAIL_OUTBOX_DIR = str(tmp_path / "outbox")
    settings.MAIL_DOMAIN = "mail.dialogdesk.test"
    # The links in the mails lead to the server-rendered pages of this live server.
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.NEWSLETTER_FRONTEND_URL = ""
    return Outbox(tmp_path / "outbox")


def test_a_subscriber_signs_up_confirms_changes_topics_and_unsubscribes(browser, live_server, outbox, newsletter,
                                                                         celery_worker_thread):
    first_topic, second_topic = list(newsletter.topics.order_by("pk")[:2])
    page = browser.new_page(locale="de-DE", viewport={"width": 1024, "height": 900})
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # 1. The fallback form, without JavaScript needed: address, name, a topic.
    page.goto(f"{live_server.url}{reverse('newsletters:signup', args=[newsletter.slug])}?lang=de")
    expect(page.get_by_role("heading", name="Zukunft der Industrie")).to_be_visible()
    page.get_by_label("E-Mail-Adresse").fill(ADDRESS)
    page.get_by_label("Name (freiwillig)").fill("Clara Browser")
    page.get_by_label(first_topic.name).check()
    page.get_by_role("button", name="Abonnieren").click()
    expect(page.get_by_role("heading", name="Bitte sehen Sie in Ihr Postfach")).to_be_visible()

    # 2. The confirmation mail's link: the page asks, the button confirms.
    [confirmation] = outbox.wait_for(ADDRESS)
    page.goto(link_in(confirmation, r"https?://\S+/newsletter/confirm/\S+"))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_text("Ihr Abonnement ist bestätigt")).to_be_visible()
    subscription = Subscription.objects.get(newsletter=newsletter, email=ADDRESS)
    assert subscription.state == Subscription.State.CONFIRMED

    # 3. The preference centre (linked from the confirmation page): the other topic instead.
    page.get_by_role("link", name="Ihre Einstellungen").click()
    expect(page.get_by_text(f"Einstellungen für {ADDRESS}")).to_be_visible()
    page.get_by_label(first_topic.name).uncheck()
    page.get_by_label(second_topic.name).check()
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.get_by_text("Ihre Einstellungen sind gespeichert")).to_be_visible()
    assert list(subscription.topics.values_list("pk", flat=True)) == [second_topic.pk]

    # 4. One click, and the newsletter ends (no further question).
    page.get_by_role("button", name="Von diesem Newsletter abmelden").click()
    expect(page.get_by_text("Sie sind von diesem Newsletter abgemeldet.")).to_be_visible()
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.UNSUBSCRIBED
    kinds = list(subscription.events.values_list("kind", flat=True))
    assert kinds[0] == SubscriptionEvent.Kind.SIGNED_UP and kinds[-1] == SubscriptionEvent.Kind.UNSUBSCRIBED
    assert errors == []


@pytest.fixture
def issue_section(newsletter, press_office_user):
    from newsletters.services.roles import newsletter_roles_ensure

    index = issue_index(newsletter)
    newsletter_roles_ensure()  # the press office may write and send below the new issue page
    return index


def test_an_editor_writes_an_issue_with_teasers_previews_it_on_a_phone_and_sends_it(
        browser, live_server, outbox, newsletter, issue_section, press_office_user, celery_worker_thread, settings):
    # Off for this test: Wagtail 7.4's autosave creates the new page as a draft while the editor types, and a
    # publish from the create form while that request is under way fails on the slug it has just taken (a
    # 500 in Wagtail's create view). The issue's own flow is what is tested here.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    article = NewsArticlePage.objects.live().filter(locale__language_code="de").order_by("pk").first()
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(15_000)
    admin_login(page, live_server, press_office_user.username, PRESS_OFFICE_PASSWORD)

    # 1. A new issue below the newsletter's issue page: title, subject, an introduction and an article teaser.
    page.goto(f"{live_server.url}"
              f"{reverse('wagtailadmin_pages:add', args=['newsletters', 'newsletterissuepage', issue_section.pk])}")
    page.locator("#id_title").fill("Ausgabe Dezember")
    page.get_by_role("tab", name="Veröffentlichung").click()
    page.locator("#id_slug").fill("ausgabe-dezember")
    page.get_by_role("tab", name="Inhalte").click()
    page.get_by_label("Betreff").fill("Zukunft der Industrie im Dezember")
    body = page.locator("[data-contentpath=body]")
    body.get_by_role("button", name="Einen Block einfügen").first.click()
    page.get_by_role("option", name="Einleitung").click()
    body.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type("Das Jahr der Industriedialoge in drei Meldungen.")
    body.get_by_role("button", name="Einen Block einfügen").last.click()
    page.get_by_role("option", name="Artikel-Teaser").click()
    body.get_by_role("button", name="Seite auswählen").last.click()
    modal = page.locator(".modal-content")
    modal.locator("input[name=q]").fill(article.title)
    modal.get_by_role("link", name=article.title).first.click()
    expect(body.get_by_text(article.title).first).to_be_visible()

    # 2. Publish (the action menu's second choice).
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.locator(".messages")).to_contain_text("‚Ausgabe Dezember‘ wurde erstellt und veröffentlicht")
    issue = NewsletterIssuePage.objects.get(title="Ausgabe Dezember")
    assert [child.block_type for child in issue.body] == ["intro", "article_teaser"]

    # 3. The preview at mobile width shows the teaser.
    page.set_viewport_size({"width": 420, "height": 1000})
    page.goto(f"{live_server.url}{reverse('wagtailadmin_pages:view_draft', args=[issue.pk])}?mode=mobile")
    phone = page.frame_locator("iframe[width='375']")
    expect(phone.get_by_text(article.title)).to_be_visible()
    expect(phone.get_by_text("Das Jahr der Industriedialoge in drei Meldungen.")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 1000})

    # 4. Send: from the editor to the engine's mailing, then send now; the progress page follows the worker.
    page.goto(f"{live_server.url}{reverse('wagtailadmin_pages:edit', args=[issue.pk])}")
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("link", name="Als Aussendung versenden").click()
    expect(page.locator("#issue-recipients")).to_be_visible()
    page.get_by_role("button", name="Aussendung anlegen").click()
    page.wait_for_url(re.compile(r".*/outreach/mailings/\d+/overview/$"))
    page.get_by_role("link", name="Senden…").click()
    audience = int(page.locator("[data-count=recipients]").inner_text())
    assert audience == Subscription.objects.filter(newsletter=newsletter, state="confirmed").count() > 0
    page.get_by_role("button", name=f"Jetzt an {audience} Personen senden").click()
    expect(page.locator("[data-field=status_label]")).to_have_text("Versendet", timeout=30_000)
    mailing = Mailing.objects.get(source=f"newsletters.newsletterissuepage:{issue.pk}")
    assert Message.objects.filter(mailing=mailing, status=Message.Status.ACCEPTED).count() == audience
