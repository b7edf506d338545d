"""What benchmarks.newsletter builds before it measures: the 12-block issue (German and English) and N
confirmed subscribers in bulk."""

import json
import logging
import random
import secrets
import time

logger = logging.getLogger("benchmarks.newsletter")
CREATE_CHUNK = 5000


def _block(kind: str, value) -> dict:
    return {"type": kind, "value": value, "id": secrets.token_hex(8)}


def _image():
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    buffer = BytesIO()
    Image.new("RGB", (1600, 900), (30, 90, 160)).save(buffer, "JPEG", quality=85)
    return get_image_model().objects.create(title="Werkhalle", credit="Foto: Benchmark",
                                            collection=Collection.get_first_root_node(),
                                            file=ImageFile(BytesIO(buffer.getvalue()), name="werkhalle.jpg"))


def create_issue(newsletter):
    """The 12-block issue under the newsletter's issue page, published in German and English."""
    from django.utils.text import slugify
    from wagtail.models import Locale

    from cms.models import EventPage, HomePage, NewsArticlePage
    from newsletters.models import NewsletterIndexPage, NewsletterIssuePage

    topics = list(newsletter.topics.order_by("pk")[:3])
    if len(topics) < 3:
        raise RuntimeError(f"the demo newsletter offers {len(topics)} topics; 3 are needed")
    found = list(NewsArticlePage.objects.live().filter(locale__language_code="de").order_by("pk")[:5])
    articles = [found[n % len(found)] for n in range(5)]  # the demo has a handful; a page may be teased twice
    event = EventPage.objects.live().filter(locale__language_code="de").order_by("pk").first()
    image = _image()
    articles[0].image = image
    articles[0].save_revision().publish()
    home = HomePage.objects.get(locale__language_code="de")
    index = NewsletterIndexPage(title=f"Ausgaben {newsletter.name('de')}", slug=slugify(f"ausgaben-{newsletter.slug}"),
                                newsletter=newsletter)
    home.add_child(instance=index)

    def section(topic, article):
        return _block("topic_section", {"topic": topic.pk, "heading": f"Aus dem Thema {topic.name}", "content": [
            _block("rich_text", f"<p>Was sich im Thema <b>{topic.name}</b> getan hat.</p>"),
            _block("article_teaser", {"page": article.pk, "title": "", "summary": "", "link_label": ""}),
        ]})

    body = [
        _block("intro", {"greeting": True, "text": "<p>Willkommen zur Dezember-Ausgabe: drei Regionen, ein Ziel.</p>"}),
        _block("article_teaser", {"page": articles[0].pk, "title": "", "summary": "", "link_label": ""}),
        _block("article_teaser", {"page": articles[1].pk, "title": "Krefeld zieht Bilanz",
                                  "summary": "Was der Industriedialog am Niederrhein gebracht hat.",
                                  "link_label": "Zum Bericht"}),
        _block("event_teaser", {"page": event.pk, "link_label": ""}),
        _block("rich_text", "<p>Ein Absatz mit <b>Hervorhebung</b>, <i>Kursivem</i> und "
                            "<a href=\"https://www.example.org/dialog\">einem Link</a>.</p>"),
        _block("image", {"image": image.pk, "caption": "Werkhalle in Krefeld", "link": ""}),
        _block("button", {"label": "Zum Programm", "page": None, "url": "https://www.example.org/programm"}),
        _block("divider", None),
        *[section(topic, articles[2 + n]) for n, topic in enumerate(topics)],
        _block("rich_text", "<p>Bis zur nächsten Ausgabe!</p>"),
    ]
    issue = NewsletterIssuePage(title="Dezember 2026", slug="dezember-2026", subject="Zukunft der Industrie: Dezember",
                                preheader="Drei Regionen, ein Ziel", body=json.dumps(body))
    index.add_child(instance=issue)
    issue.save_revision().publish()
    issue.refresh_from_db()
    translated = issue.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    translated.title, translated.subject = "December 2026", "Future of Industry: December"
    translated.save_revision().publish()
    return issue, topics, len(body)


def create_subscribers(*, newsletter, topics, recipients: int, seed: int = 11) -> dict:
    """N confirmed subscribers: contacts and subscriptions in bulk, 70 % German, topics 0 to 3 of the sections."""
    from django.utils import timezone

    from newsletters.models import Subscription
    from outreach.models import Contact, email_hash

    rng = random.Random(seed)
    started = time.perf_counter()
    now = timezone.now()
    first_names = ["Anna", "Jürgen", "Özlem", "Björn", "Marie", "Lukas", "Grete", "Hans-Peter"]
    last_names = ["Müller", "Schmidt", "Weiß", "Öztürk", "Groß", "Becker", "Lüdenscheidt", "Klein"]
    languages = {"de": 0, "en": 0}
    Through = Subscription.topics.through
    for start in range(0, recipients, CREATE_CHUNK):
        numbers = range(start, min(recipients, start + CREATE_CHUNK))
        contacts = []
        for number in numbers:
            email = f"leserin{number}@example{number % 50}.de"
            language = "de" if rng.random() < 0.7 else "en"
            languages[language] += 1
            contacts.append(Contact(email=email, email_hash=email_hash(email), language=language, source="benchmark",
                                    legal_basis=Contact.LegalBasis.CONSENT, consent_given_at=now,
                                    salutation=("ms", "mr", "")[number % 3], first_name=first_names[number % 8],
                                    last_name=last_names[(number // 8) % 8]))
        created = Contact.objects.bulk_create(contacts)
        subscriptions = Subscription.objects.bulk_create([
            Subscription(newsletter=newsletter, contact=contact, email=contact.email, language=contact.language,
                         state=Subscription.State.CONFIRMED, signed_up_at=now, confirmed_at=now,
                         confirmation_nonce="")
            for contact in created
        ])
        Through.objects.bulk_create([
            Through(subscription_id=subscription.pk, topic_id=topic.pk)
            for subscription in subscriptions for topic in rng.sample(topics, rng.randint(0, len(topics)))
        ])
    logger.info("created %s subscribers in %.1f s (%s)", recipients, time.perf_counter() - started, languages)
    return languages
