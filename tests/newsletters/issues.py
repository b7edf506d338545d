"""Building newsletter issues for tests: an index page under the German home page and an issue of blocks."""

import json
import uuid

from wagtail.models import Locale

from cms.models import EventPage, HomePage, NewsArticlePage, Topic
from newsletters.models import NewsletterIndexPage, NewsletterIssuePage
from tests.cms.factories import CreditedImageFactory


def issue_index(newsletter) -> NewsletterIndexPage:
    home = HomePage.objects.get(locale__language_code="de")
    existing = NewsletterIndexPage.objects.filter(newsletter=newsletter, locale=home.locale).first()
    if existing:
        return existing
    index = NewsletterIndexPage(title=f"Ausgaben {newsletter.name('de')}", slug=f"ausgaben-{newsletter.slug}",
                                newsletter=newsletter)
    home.add_child(instance=index)
    return index


def block(kind: str, value) -> dict:
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def full_body(*, topic_a: Topic, topic_b: Topic, extra: list | None = None) -> list:
    """Every kind of block once, and a topic section for each of two topics."""
    image = CreditedImageFactory(credit="Foto: Werkbank")
    article = NewsArticlePage.objects.filter(locale__language_code="de").first()
    article.image = image
    article.save_revision().publish()
    event = EventPage.objects.filter(locale__language_code="de").first()
    return [
        block("intro", {"greeting": True, "text": "<p>Willkommen zur Juli-Ausgabe.</p>"}),
        block("article_teaser", {"page": article.pk, "title": "", "summary": "", "link_label": ""}),
        block("event_teaser", {"page": event.pk, "link_label": ""}),
        block("rich_text", "<p>Ein <b>fetter</b> Absatz.</p>"),
        block("image", {"image": image.pk, "caption": "Werkhalle", "link": ""}),
        block("button", {"label": "Zum Programm", "page": None, "url": "https://www.example.org/programm"}),
        block("divider", None),
        block("topic_section", {"topic": topic_a.pk, "heading": "Nur für Thema A",
                                "content": [block("rich_text", "<p>Abschnitt A</p>")]}),
        block("topic_section", {"topic": topic_b.pk, "heading": "Nur für Thema B",
                                "content": [block("rich_text", "<p>Abschnitt B</p>")]}),
        *(extra or []),
    ]


def make_issue(newsletter, *, body: list, title: str = "Juli 2026", publish: bool = True) -> NewsletterIssuePage:
    index = issue_index(newsletter)
    issue = NewsletterIssuePage(title=title, slug=f"issue-{uuid.uuid4().hex[:8]}", subject=f"Newsletter {title}",
                                preheader="Das Neueste aus den Regionen", body=json.dumps(body))
    index.add_child(instance=issue)
    revision = issue.save_revision()
    if publish:
        revision.publish()
    issue.refresh_from_db()
    return issue


def translate(issue: NewsletterIssuePage, *, language: str = "en", title: str = "July 2026") -> NewsletterIssuePage:
    translated = issue.copy_for_translation(Locale.objects.get(language_code=language), copy_parents=True)
    translated.title = title
    translated.subject = f"Newsletter {title}"
    translated.save_revision().publish()
    translated.refresh_from_db()
    return translated
