"""The admin works under its Content-Security-Policy (finding 10 of issue #9), in a real Chromium.

Every screen an editor or the press office uses is opened and used a little
(StreamField, rich text, the image chooser, a date picker, an inline panel);
Chromium reports each refused script, style, image or frame on the console,
and none may be reported. Nothing may be fetched from another host either.
"""

import pytest
from django.urls import reverse

from cms.models import EventPage, NewsArticlePage, RegionPage
from outreach.models import Mailing
from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def superuser_with_password(django_user_model, press_office_user):
    from outreach.services.demo import demo_contacts_load

    demo_contacts_load()  # the demo mailing to the press list, for the mailing editor and preview
    return django_user_model.objects.create_superuser("csp-root", "csp-root@example.org", PRESS_OFFICE_PASSWORD)


class Recorder:
    def __init__(self, page, origins: tuple[str, ...]):
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.where = ""
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.errors.append(f"{self.where}: {error}"))
        page.on("request", lambda request: None if request.url.startswith((*origins, "data:", "blob:", "about:"))
                else self.foreign.append(f"{self.where}: {request.url}"))

    def console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.violations.append(f"{self.where}: {text}")


def test_the_admin_runs_under_its_policy(browser, live_server, superuser_with_password, settings):
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    # The headless preview shows the configured front end in the preview panel: ours, not a third party.
    recorder = Recorder(page, (live_server.url, *settings.CSP_EXTRA_FRAME_SOURCES))

    def visit(label: str, path: str) -> None:
        recorder.where = label
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (label, response.status)
        assert "'unsafe-eval'" not in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")

    try:
        recorder.where = "login"
        admin_login(page, live_server, "csp-root", PRESS_OFFICE_PASSWORD)
        visit("dashboard", reverse("wagtailadmin_home"))

        article = NewsArticlePage.objects.filter(locale__language_code="de").first()
        visit("news editor", reverse("wagtailadmin_pages:edit", args=[article.pk]))
        page.get_by_role("button", name="Einen Block einfügen").first.click()
        page.get_by_role("option", name="Text").first.click()
        editor = page.locator(".public-DraftEditor-content").last
        editor.click()
        editor.type("Geprüft unter CSP.")
        # The image chooser: a modal whose listing is loaded by script.
        page.locator("[data-chooser-action-choose]").first.click()
        page.locator(".modal-content").wait_for()
        page.wait_for_load_state("networkidle")
        page.locator(".modal-content").get_by_role("tab", name="Hochladen").click()
        page.locator(".modal-content input[type='file']").first.wait_for(state="attached")
        page.keyboard.press("Escape")
        page.locator(".modal-content").wait_for(state="hidden")
        # The preview panel: a frame of this origin.
        page.locator("[data-side-panel-toggle='preview']").click()
        page.wait_for_load_state("networkidle")

        event = EventPage.objects.filter(locale__language_code="de").first()
        visit("event editor", reverse("wagtailadmin_pages:edit", args=[event.pk]))
        # Wagtail's date pickers are set up by inline scripts: only those with the nonce run.
        assert page.locator(".xdsoft_datetimepicker").count() >= 3

        region = RegionPage.objects.filter(locale__language_code="de").first()
        visit("region editor", reverse("wagtailadmin_pages:edit", args=[region.pk]))
        page.locator("#id_contacts-ADD").click()

        visit("images", reverse("wagtailimages:index"))
        visit("contacts", reverse("outreach_contacts:index"))
        mailing = Mailing.objects.first()
        visit("mailings", reverse("outreach_mailings:index"))
        visit("mailing editor", reverse("outreach_mailings:edit", args=[mailing.pk]))
        visit("mailing preview", reverse("outreach_mailings:preview", args=[mailing.pk, "de"]))
        visit("outbox", reverse("outreach_outbox:index"))
        visit("imports", reverse("contact_imports:add"))
    finally:
        page.screenshot(path="/tmp/e2e-csp-last.png")
        for line in recorder.violations + recorder.errors + recorder.foreign:
            print(line)

    assert recorder.violations == []
    assert recorder.errors == []
    assert recorder.foreign == []
