"""The press office's main admin screens, in German, at desktop (1280 px) and phone (390 px) width.

Each screen is saved as a PNG (DIALOGDESK_SCREENSHOT_DIR, or a directory under the test run's var dir; the
path is printed) for a person to look at, and checked for what a German press officer would trip over: a page
wider than the phone (the whole page scrolls sideways), and English words left on the screen.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": 1280, "phone": 390}
# Words that give away an untranslated Wagtail or project string; whole words, as shown on the screen.
ENGLISH_TELLTALES = ["Save", "Cancel", "Delete", "Edit", "Search", "More actions", "Locale", "Root"]
TELLTALE = re.compile(r"\b(" + "|".join(re.escape(word) for word in ENGLISH_TELLTALES) + r")\b")
# document.scrollingElement is the element the page scrolls with; 1 px of rounding allowed.
OVERFLOW_SCRIPT = """() => {
    const page = document.scrollingElement;
    if (page.scrollWidth <= window.innerWidth + 1) return null;
    const wide = [...document.querySelectorAll("body *")].filter(el => {
        const box = el.getBoundingClientRect();
        return box.right > window.innerWidth + 1 && getComputedStyle(el).position !== "fixed";
    }).slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : ""));
    return {scrollWidth: page.scrollWidth, innerWidth: window.innerWidth, wide};
}"""

# A listing's title squeezed into a narrow column reads one syllable per line on a phone.
SQUEEZED_TITLES_SCRIPT = """() => [...document.querySelectorAll("table.listing td.title")]
    .filter(cell => cell.offsetParent !== null && cell.getBoundingClientRect().width < 120)
    .slice(0, 3).map(cell => cell.innerText.trim().slice(0, 40))"""

# Text running off the right edge without a way to scroll to it (the page itself does not scroll when an
# ancestor clips it): a line of words whose box ends beyond the screen, outside any sideways-scrolling box.
CLIPPED_TEXT_SCRIPT = """() => {
    const scrollsSideways = el => ["auto", "scroll"].includes(getComputedStyle(el).overflowX)
        && el.scrollWidth > el.clientWidth;
    const clipped = [];
    const walker = document.createTreeWalker(document.querySelector("main") || document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode()) && clipped.length < 5) {
        const el = node.parentElement;
        if (!node.nodeValue.trim() || !el.checkVisibility({visibilityProperty: true})) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const box = range.getBoundingClientRect();
        if (box.width === 0 || box.right <= window.innerWidth + 1 || box.left >= window.innerWidth) continue;
        let ancestor = el, intended = false;
        for (; ancestor && !intended; ancestor = ancestor.parentElement) {
            const style = getComputedStyle(ancestor);
            // Cut with an ellipsis, inside a box that scrolls sideways, or text for screen readers only.
            intended = style.textOverflow === "ellipsis" || scrollsSideways(ancestor)
                || style.clip !== "auto" || style.clipPath !== "none";
        }
        if (!intended) clipped.push(node.nodeValue.trim().slice(0, 50));
    }
    return clipped;
}"""


def screenshot_dir() -> Path:
    configured = os.environ.get("DIALOGDESK_SCREENSHOT_DIR")
    directory = Path(configured) if configured else Path(os.environ["DIALOGDESK_VAR_DIR"]) / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def office(press_office_user, settings, tmp_path):
    """The demo's contacts, segment and mailing, the press release and the newsletters; one test send in the outbox."""
    from newsletters.services.demo import demo_newsletters_load
    from outreach.models import Mailing
    from outreach.services.demo import demo_contacts_load
    from outreach.services.test_sends import mailing_test_send
    from press.services.demo import demo_press_load

    settings.MAIL_BACKEND = "outbox"
    settings.MAIL_OUTBOX_DIR = str(tmp_path / "outbox")
    demo_contacts_load()
    demo_press_load()
    demo_newsletters_load()
    mailing = Mailing.objects.order_by("pk").first()
    mailing_test_send(mailing=mailing, addresses=["presse-e2e@example.org"], locales=["de"])
    return mailing


def main_screens(mailing) -> list[tuple[str, str]]:
    from outreach.models import Contact, Segment
    from press.models import PressReleasePage

    contact = Contact.objects.filter(journalist__isnull=False).order_by("pk").first()
    segment = Segment.objects.order_by("pk").first()
    release = PressReleasePage.objects.filter(locale__language_code="de").first()
    segment_url = reverse("outreach_segments:edit", args=[segment.pk]) if segment else reverse("outreach_segments:add")
    return [
        ("dashboard", reverse("wagtailadmin_home")),
        ("contacts", reverse("outreach_contacts:index")),
        ("contact", reverse("outreach_contacts:inspect", args=[contact.pk])),
        ("import", reverse("contact_imports:add")),
        ("mailings", reverse("outreach_mailings:index")),
        ("mailing-overview", reverse("outreach_mailings:overview", args=[mailing.pk])),
        ("mailing-preview", reverse("outreach_mailings:preview", args=[mailing.pk, "de"])),
        ("outbox", reverse("outreach_outbox:index")),
        ("segment-editor", segment_url),
        ("press-release-editor", reverse("wagtailadmin_pages:edit", args=[release.pk])),
        ("newsletters", reverse("newsletters_newsletters:index")),
    ]


def test_main_screens_fit_a_phone_and_speak_german(browser, live_server, press_office_user, office):
    directory = screenshot_dir()
    print(f"\nScreenshots of the main admin screens: {directory}")
    screens = main_screens(office)
    context = browser.new_context(locale="de-DE", viewport={"width": WIDTHS["desktop"], "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    admin_login(page, live_server, press_office_user.username, PRESS_OFFICE_PASSWORD)

    problems = []
    for device, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900 if device == "desktop" else 844})
        for name, path in screens:
            response = page.goto(f"{live_server.url}{path}", wait_until="load")
            assert response.status == 200, (name, response.status)
            page.screenshot(path=str(directory / f"{name}-{width}.png"), full_page=True)
            english = sorted(set(TELLTALE.findall(page.locator("body").inner_text())))
            if english:
                problems.append(f"{name} at {width} px shows English: {', '.join(english)}")
            if device == "phone":
                overflow = page.evaluate(OVERFLOW_SCRIPT)
                if overflow:
                    problems.append(f"{name} at {width} px is wider than the screen: {overflow}")
                clipped = page.evaluate(CLIPPED_TEXT_SCRIPT)
                if clipped:
                    problems.append(f"{name} at {width} px cuts text off at the screen's edge: {clipped}")
                squeezed = page.evaluate(SQUEEZED_TITLES_SCRIPT)
                if squeezed:
                    problems.append(f"{name} at {width} px squeezes titles into a narrow column: {squeezed}")
    assert problems == [], "\n".join(problems)
