"""A German press officer and a German editor see the admin in German.

Wagtail and wagtail-localize leave some of their own strings in English for German
("Root", "1-2 of 2 Seiten", "Locale", "6 December 2026"); the project's catalogue,
a data migration and a date formatter fill the gaps. Each main admin screen is
rendered in German and its visible text (text, aria-label, title, placeholder) is
searched for the English strings a press officer reported.
"""

import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from wagtail.models import Page

from cms.models import NewsArticlePage, NewsIndexPage
from press.models import PressReleasePage

pytestmark = pytest.mark.django_db

ENGLISH = [
    re.compile(r"\bRoot\b"),
    re.compile(r"\d+\s*[-–]\s*\d+ of \d+"),
    re.compile(r"\bLocales?\b"),
    re.compile(r"\bMore actions\b"),
    re.compile(r"^Actions( \(footer\))?$"),
    re.compile(r"\b\d{1,2} (January|February|March|May|June|July|October|December) \d{4}\b"),
    re.compile(r"\bto \w+ translation\b"),
    re.compile(r"View latest version|Troubleshoot your connection|A network error occurred"),
]


class VisibleText(HTMLParser):
    """Text nodes and the attributes read out or shown as tooltips; scripts and styles left out."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def english_on(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [text for text in visible_text(response.content.decode()) if any(p.search(text) for p in ENGLISH)]


@pytest.fixture
def press_officer_client(client, django_user_model):
    from outreach.services.roles import press_office_group_ensure
    from press.services.roles import press_office_newsroom_grant

    user = django_user_model.objects.create_user("test-presse-de", "presse-de@example.org")
    user.groups.add(press_office_group_ensure(), press_office_newsroom_grant())
    client.force_login(user)
    return client


def press_office_urls(german) -> list[str]:
    home = Page.objects.get(depth=2, locale=german)
    release = PressReleasePage.objects.filter(locale=german).first()
    return [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_explore", args=[home.pk]),
        reverse("wagtailadmin_explore", args=[release.get_parent().pk]),
        reverse("wagtailadmin_pages:edit", args=[release.pk]),
        reverse("wagtailimages:index"),
        "/admin/outreach/contacts/",
        "/admin/outreach/mailings/",
        "/admin/newsletters/newsletters/",
    ]


def editor_urls(german, english) -> list[str]:
    news_index = NewsIndexPage.objects.get(locale=german)
    article = NewsArticlePage.objects.filter(locale=german).first()
    return [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[news_index.pk]),
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        reverse("wagtailadmin_pages:history", args=[article.pk]),
        reverse("wagtailadmin_pages:add", args=["cms", "newsarticlepage", news_index.pk]),
        reverse("wagtail_localize:submit_page_translation", args=[article.pk]),
        reverse("wagtailadmin_account"),
        reverse("wagtailsnippets:index"),
        "/admin/snippets/cms/topic/",
    ]


def test_the_press_officer_sees_no_english_wagtail_strings(press_officer_client, german):
    found = {url: english_on(press_officer_client, url) for url in press_office_urls(german)}
    assert {url: texts for url, texts in found.items() if texts} == {}


def test_the_editor_sees_no_english_wagtail_strings(editor_client, german, english):
    found = {url: english_on(editor_client, url) for url in editor_urls(german, english)}
    assert {url: texts for url, texts in found.items() if texts} == {}


def test_the_explorer_counts_pages_and_names_the_root_in_german(editor_client, german):
    home = Page.objects.get(depth=2, locale=german)
    text = " ".join(visible_text(editor_client.get(reverse("wagtailadmin_explore", args=[home.pk])).content.decode()))
    assert re.search(r"\d+–\d+ von \d+ Seiten", text)
    assert "Alle Seiten" in text
    assert "In 2 Sprachen verfügbar" in text


def test_the_translation_editor_dates_its_comments_in_german(editor_client, english):
    """The English article is a synced translation: its edit view is wagtail-localize's editor,
    whose props carry "Manually translated on <date>" for each string."""
    article = NewsArticlePage.objects.filter(locale=english).first()
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    assert "cms/js/localize-german.js" in html
    props = json.loads(unescape(re.search(r'class="js-translation-editor" data-props="([^"]*)"', html).group(1)))
    comments = {string["comment"] for string in props["initialStringTranslations"] if string["comment"]}
    assert comments
    for comment in comments:
        assert re.fullmatch(r"(Manuell übersetzt|Übersetzt mit .+) am \d{1,2}\. \w+ \d{4}", comment), comment
        assert not re.search(r"January|February|March|May|June|July|October|December", comment), comment


def test_the_page_editor_writes_dates_day_first_and_both_languages_read_them_back(editor_client, german):
    from django import forms
    from django.utils import translation
    from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

    article = NewsArticlePage.objects.filter(locale=german).first()
    html = editor_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    shown = re.search(r'<input[^>]*name="date"[^>]*value="([^"]*)"', html) or re.search(
        r'<input[^>]*value="([^"]*)"[^>]*name="date"', html)
    assert shown.group(1) == article.date.strftime("%d.%m.%Y")

    for language in ("de", "en"):
        with translation.override(language):
            date = forms.DateField(widget=AdminDateInput()).clean("06.12.2026")
            moment = forms.DateTimeField(widget=AdminDateTimeInput()).clean("06.12.2026 09:30")
        assert (date.day, date.month, moment.day, moment.hour) == (6, 12, 6, 9), language
