"""A German page's button chooses a German page, in the browser, on a desktop and on a phone: the page
chooser pop-up, browsed below the top level, names the language instead of offering Wagtail's switcher to
the other one, keeps to it on every level, and its arrows to a page's subpages can be reached on a phone.

Screenshots go to DIALOGDESK_SCREENSHOT_DIR (or the test run's var dir) as page-chooser-*.png.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login
from tests.e2e.test_admin_screens_browser import WIDTHS, screenshot_dir

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# True when the editor can bring the element on screen: it is on screen, or the nearest box that clips it
# sideways can be scrolled (Wagtail's pop-up clips with overflow-x: hidden, which cannot).
REACHABLE_SCRIPT = """(el) => {
    const box = el.getBoundingClientRect();
    if (box.left >= 0 && box.right <= window.innerWidth + 1) return true;
    for (let ancestor = el.parentElement; ancestor; ancestor = ancestor.parentElement) {
        const overflow = getComputedStyle(ancestor).overflowX;
        if (overflow === "auto" || overflow === "scroll") return true;
        if (overflow === "hidden" || overflow === "clip") return false;
    }
    return false;
}"""


def test_the_buttons_page_chooser_keeps_to_the_pages_language(browser, live_server, press_office_user,
                                                               django_user_model):
    from cms.models import HomePage, NewsArticlePage, NewsIndexPage
    from tests.cms.test_admin_choosers_locale import edit_in_page_editor

    django_user_model.objects.create_superuser("waehler-root", "waehler-root@example.org", PRESS_OFFICE_PASSWORD)
    article = NewsArticlePage.objects.filter(locale__language_code="de").first()
    home = HomePage.objects.get(locale__language_code="de")
    news = NewsIndexPage.objects.get(locale__language_code="de")
    target = news.get_children().live().exclude(pk=article.pk).first()
    editor_url = f"{live_server.url}{edit_in_page_editor(article)}"
    directory = screenshot_dir()
    print(f"\nScreenshots of the page chooser: {directory}")

    page = browser.new_page(locale="de-DE", viewport={"width": WIDTHS["desktop"], "height": 900})
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.set_default_timeout(15_000)
    admin_login(page, live_server, "waehler-root", PRESS_OFFICE_PASSWORD)

    for device, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900 if device == "desktop" else 844})
        page.goto(editor_url)
        page.get_by_role("button", name="Einen Block einfügen").last.click()
        page.get_by_role("option", name="Handlungsaufforderung").click()
        page.locator("[data-chooser-action-choose]").last.click()
        modal = page.locator(".modal-content")

        # The top level, then the German home page's subpages, then the news index's.
        for parent in [home, news]:
            subpages_url = reverse("wagtailadmin_choose_page_child", args=[parent.pk])
            arrow = modal.locator(f"a.navigate-pages[href^='{subpages_url}?']")
            expect(arrow).to_have_count(1)
            assert arrow.evaluate(REACHABLE_SCRIPT), f"{parent.title}'s subpages are out of reach at {width} px"
            arrow.click()
            expect(modal.locator("tr.parent-page")).to_contain_text(parent.title)
            expect(modal.locator("[data-locale-selector]")).to_have_count(0)
            expect(modal.locator(".page-results")).to_contain_text("Deutsch")
            links = modal.locator("a.navigate-pages, .w-breadcrumbs a").evaluate_all("links => links.map(a => a.href)")
            assert links and all("in_language=de" in href for href in links), links
            page.wait_for_timeout(300)  # the pop-up's fade
            name = parent.specific_class._meta.model_name
            page.screenshot(path=str(directory / f"page-chooser-{name}-{width}.png"))

        modal.locator("a.choose-page").filter(has_text=target.title).click()
        expect(modal).to_have_count(0)
        expect(page.locator("[data-chooser-title]").last).to_have_text(target.title)

    assert script_errors == []
