"""Generated news articles for load tests, in the spirit of bakerydemo's create_random_data.

The volume comes from the caller. Articles are numbered by slug, so a second run
with the same number adds nothing and a larger number adds only the difference.
Each article is German, published, and filed under one or two demo regions and
topics, so listings exercise the same relations as real content.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from wagtail.models import Locale
from wagtail.rich_text import RichText

from cms.models import NewsArticlePage, NewsIndexPage, RegionPage, Topic

SLUG_PREFIX = "zufallsmeldung"
FIRST_DATE = datetime.date(2021, 1, 4)

_SUBJECTS = ("Werkstor-Tag", "Ausbildungsmesse", "Bürgerdialog", "Standortkonferenz", "Fachforum", "Betriebsbesuch")
_VERBS = ("startet", "lädt ein", "zieht Bilanz", "geht in die zweite Runde", "wächst weiter")
_SENTENCES = (
    "Unternehmen, Gewerkschaften und Kammern stellen gemeinsam ihre Arbeit vor.",
    "Bürgerinnen und Bürger kommen mit Beschäftigten ins Gespräch.",
    "Die Veranstalter ziehen eine positive Bilanz und planen die nächste Ausgabe.",
    "Schulen nutzen das Angebot, um industrielle Berufe kennenzulernen.",
    "Die Kommune sichert Flächen und wirbt für den Industriestandort.",
    "Eine Studie begleitet das Vorhaben und beschreibt gute Praxis.",
)


class DemoContentMissing(Exception):
    """The demo content (German news index, regions, topics) has not been loaded."""


@dataclass
class RandomContentSummary:
    created: int = 0
    existing: int = 0


@transaction.atomic
def random_news_create(*, count: int, seed: int = 0) -> RandomContentSummary:
    """Ensure articles 1..count exist under the German news index, published.

    Safe to call twice: existing numbered articles are left as they are.
    Raises DemoContentMissing when load_demo has not run.
    """
    german = Locale.objects.filter(language_code="de").first()
    news_index = NewsIndexPage.objects.filter(locale=german).first() if german else None
    regions = list(RegionPage.objects.live().filter(locale=german).order_by("path"))
    topics = list(Topic.objects.filter(locale=german).order_by("slug"))
    if news_index is None or not regions or not topics:
        raise DemoContentMissing("Run load_demo first: the German news index, regions and topics are needed.")

    existing_slugs = set(
        NewsArticlePage.objects.child_of(news_index).filter(slug__startswith=f"{SLUG_PREFIX}-").values_list("slug", flat=True)
    )
    summary = RandomContentSummary()
    for number in range(1, count + 1):
        slug = f"{SLUG_PREFIX}-{number:05d}"
        if slug in existing_slugs:
            summary.existing += 1
            continue
        # One generator per article: article n looks the same whatever count was asked for.
        rng = random.Random(f"{seed}:{number}")
        article_regions = rng.sample(regions, k=rng.randint(1, min(2, len(regions))))
        article_topics = rng.sample(topics, k=rng.randint(1, min(2, len(topics))))
        paragraphs = rng.sample(_SENTENCES, k=3)
        page = NewsArticlePage(
            title=f"{rng.choice(_SUBJECTS)} {article_regions[0].title} {rng.choice(_VERBS)} ({number})",
            slug=slug,
            locale=german,
            date=FIRST_DATE + datetime.timedelta(days=number),
            summary=" ".join(paragraphs[:2]),
            body=[("text", RichText("".join(f"<p>{p}</p>" for p in paragraphs)))],
        )
        page.regions.set(article_regions)
        page.topics.set(article_topics)
        news_index.add_child(instance=page)
        page.save_revision().publish()
        summary.created += 1
    return summary
