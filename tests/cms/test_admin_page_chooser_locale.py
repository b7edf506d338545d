"""The page chooser pop-up of a field that means "a page in this page's language" (a content button's
page) lists and finds only pages in the language of the page it was opened from.

Through Wagtail's real views: the editor names the pop-up's address, the pop-up is opened from the
editor (its Referer, as the browser sends it) and then browsed and searched with the parameters
Wagtail's modal keeps. At no level does it offer Wagtail's language switcher, and every link in it keeps
the language. A chooser that means any page (a newsletter teaser's) still lists every language.
"""

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import resolve, reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import streamfield

from cms.models import HomePage, NewsArticlePage, NewsIndexPage
from tests.cms.test_admin_choosers_locale import edit_in_page_editor
from tests.cms.test_admin_pages import add_url, page_form

pytestmark = pytest.mark.django_db


def popup_html(response) -> str:
    assert response.status_code == 200, response.status_code
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)["html"]
    return response.content.decode()


def listed_languages(response) -> set[str]:
    """The languages of the pages a chooser response offers to choose."""
    html = popup_html(response)
    ids = {int(pk) for pk in re.findall(r'data-id="(\d+)"', html)}
    assert ids, "the chooser offered no page"
    return set(Page.objects.filter(pk__in=ids).values_list("locale__language_code", flat=True))


def open_popup(client, editor_url: str, parent: Page | None = None):
    """Open the button's page chooser from an editor, as Wagtail's modal does, following the hand-over."""
    popup = reverse("cms_choose_page_in_page_language")
    if parent is not None:
        popup += f"{parent.pk}/"  # Wagtail's modal appends the chosen page's parent to the address
    response = client.get(popup, HTTP_REFERER=f"http://testserver{editor_url}")
    assert response.status_code == 302
    return client.get(response["Location"]), response["Location"]


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_button_chooser_offers_pages_of_the_edited_pages_language(editor_client, language):
    article = NewsArticlePage.objects.filter(locale__language_code=language).first()
    editor_url = edit_in_page_editor(article)
    editor = editor_client.get(editor_url)
    assert editor.status_code == 200
    # The body's button block names the language-keeping pop-up, not Wagtail's plain one.
    assert reverse("cms_choose_page_in_page_language") in editor.content.decode()

    root_listing, location = open_popup(editor_client, editor_url)
    assert listed_languages(root_listing) == {language}

    # Browsing down keeps the language, as Wagtail's links carry the pop-up's parameters along.
    home = HomePage.objects.get(locale__language_code=language)
    query = location.split("?", 1)[1]
    children = editor_client.get(f"{reverse('wagtailadmin_choose_page_child', args=[home.pk])}?{query}")
    assert listed_languages(children) == {language}

    # Searching too: "Industr" begins German and English titles alike (Industrie, Industry).
    found = editor_client.get(f"{reverse('wagtailadmin_choose_page_search')}?{query}&q=Industr")
    assert listed_languages(found) == {language}


def test_a_chosen_page_of_the_other_language_opens_at_its_translation(editor_client, german):
    """Wagtail opens the pop-up at the chosen page's parent; for an English page chosen on a German page
    that is the parent's German translation."""
    article = NewsArticlePage.objects.filter(locale=german).first()
    english_home = HomePage.objects.get(locale__language_code="en")
    response, location = open_popup(editor_client, edit_in_page_editor(article), parent=english_home)
    german_home = HomePage.objects.get(locale=german)
    assert location.startswith(reverse("wagtailadmin_choose_page_child", args=[german_home.pk]))
    assert listed_languages(response) == {"de"}


def test_a_german_button_to_an_english_page_is_refused(editor_client, german):
    index = NewsIndexPage.objects.get(locale=german)
    english = NewsArticlePage.objects.filter(locale__language_code="en").first()
    response = editor_client.post(add_url(NewsArticlePage, index), page_form(
        title="Falscher Knopf", slug="falscher-knopf", summary="", date="2026-12-06",
        body=streamfield([("call_to_action", {"label": "Mehr lesen", "page": english.pk, "url": ""})]),
    ))
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert "in einer anderen Sprache" in response.content.decode()
    assert not NewsArticlePage.objects.filter(slug="falscher-knopf").exists()


def test_a_german_button_to_a_german_page_is_saved(editor_client, german):
    index = NewsIndexPage.objects.get(locale=german)
    target = NewsArticlePage.objects.filter(locale=german).first()
    response = editor_client.post(add_url(NewsArticlePage, index), page_form(
        title="Richtiger Knopf", slug="richtiger-knopf", summary="", date="2026-12-06",
        body=streamfield([("call_to_action", {"label": "Mehr lesen", "page": target.pk, "url": ""})]),
    ))
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    assert NewsArticlePage.objects.get(slug="richtiger-knopf").body[0].value["page"].pk == target.pk


def test_a_new_page_takes_its_parents_language(editor_client):
    index = NewsIndexPage.objects.get(locale__language_code="en")
    listing, _ = open_popup(editor_client, add_url(NewsArticlePage, index))
    assert listed_languages(listing) == {"en"}


def test_wagtails_plain_chooser_still_offers_every_language(editor_client):
    """Choosers whose field means any page (a newsletter teaser) are left as Wagtail made them."""
    home = HomePage.objects.get(locale__language_code="de")
    found = editor_client.get(f"{reverse('wagtailadmin_choose_page_search')}?q=Industr")
    assert listed_languages(found) == {"de", "en"}
    assert editor_client.get(reverse("wagtailadmin_choose_page_child", args=[home.pk])).status_code == 200


def popup_links(html: str) -> list[str]:
    """The pop-up's own addresses in a response: browse links (children, breadcrumbs, pages of the
    listing, the language switcher's) and the search form's."""
    base = reverse("wagtailadmin_choose_page")
    return [unescape(url) for url in re.findall(r'(?:href|action)="([^"]*)"', html) if url.startswith(base)]


def assert_held_to_language(html: str, language: str):
    """No language switcher, and every link of the pop-up stays in the language and keeps in_language."""
    assert "data-locale-selector" not in html
    links = popup_links(html)
    assert links
    for link in links:
        parts = urlsplit(link)
        assert parse_qs(parts.query).get("in_language") == [language], link
        page_id = resolve(parts.path).kwargs.get("parent_page_id")
        if page_id is not None:
            page = Page.objects.get(pk=page_id)
            assert page.is_root() or page.locale.language_code == language, link


def test_below_the_top_level_the_pop_up_offers_no_other_language(editor_client, german):
    """Wagtail's locale switcher below the top level leads to the parent's English translation,
    whose listing the language limit leaves empty; the pop-up names the language instead."""
    article = NewsArticlePage.objects.filter(locale=german).first()
    _, location = open_popup(editor_client, edit_in_page_editor(article))
    query = location.split("?", 1)[1]
    english_home = HomePage.objects.get(locale__language_code="en")
    for parent in [HomePage.objects.get(locale=german), NewsIndexPage.objects.get(locale=german)]:
        html = popup_html(editor_client.get(f"{reverse('wagtailadmin_choose_page_child', args=[parent.pk])}?{query}"))
        assert_held_to_language(html, "de")
        assert reverse("wagtailadmin_choose_page_child", args=[english_home.pk]) not in html
        assert re.search(r"icon-site\b.*?</svg>\s*Deutsch\s*</div>", html, re.DOTALL)
        # Each child with pages below it is linked, and (above) its link carries the language down.
        linked = {resolve(urlsplit(url).path).kwargs.get("parent_page_id") for url in popup_links(html)}
        assert set(parent.get_children().filter(numchild__gt=0).values_list("pk", flat=True)) <= linked


def test_the_pop_ups_search_results_offer_no_other_language(editor_client, german):
    article = NewsArticlePage.objects.filter(locale=german).first()
    _, location = open_popup(editor_client, edit_in_page_editor(article))
    query = location.split("?", 1)[1]
    html = popup_html(editor_client.get(f"{reverse('wagtailadmin_choose_page_search')}?{query}&q=Industr"))
    assert_held_to_language(html, "de")


def test_wagtails_plain_chooser_still_offers_the_locale_switcher(editor_client):
    home = HomePage.objects.get(locale__language_code="de")
    english_home = HomePage.objects.get(locale__language_code="en")
    html = popup_html(editor_client.get(reverse("wagtailadmin_choose_page_child", args=[home.pk])))
    assert "data-locale-selector" in html
    assert reverse("wagtailadmin_choose_page_child", args=[english_home.pk]) in html
