"""Demo newsletters with consent texts and a few confirmed subscribers (fictional, example.org). Idempotent."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from newsletters.models import ConsentText, Newsletter, Subscription, SubscriptionEvent
from newsletters.services.consent import consent_text_create
from newsletters.services.proof import RequestFacts, subscription_event_record
from newsletters.services.roles import newsletter_roles_ensure
from outreach import mailable

CONSENT = {
    "de": "Ja, ich möchte den Newsletter per E-Mail erhalten. Meine Einwilligung kann ich jederzeit mit Wirkung "
          "für die Zukunft widerrufen, z. B. über den Abmeldelink in jeder Ausgabe.",
    "en": "Yes, I want to receive the newsletter by e-mail. I can withdraw my consent at any time with effect "
          "for the future, e.g. through the unsubscribe link in every issue.",
}
PRIVACY = {
    "de": "Wir verwenden Ihre Adresse nur für diesen Newsletter und protokollieren Anmeldung und Bestätigung "
          "als Nachweis Ihrer Einwilligung.",
    "en": "We use your address only for this newsletter and log your sign-up and confirmation as proof of "
          "your consent.",
}
NEWSLETTERS = [
    {
        "slug": "zukunft-der-industrie", "name_de": "Zukunft der Industrie", "name_en": "Future of Industry",
        "description_de": "Neues aus den regionalen Industrieinitiativen, Termine und gute Praxis.",
        "description_en": "News from the regional industry initiatives, events and good practice.",
        "frequency_de": "monatlich", "frequency_en": "monthly", "languages": ["de", "en"],
        "topics": ["industriedialog", "akzeptanz", "arbeit-der-zukunft", "gute-praxis"], "regions": [],
        "welcome_subject_de": "Willkommen beim Newsletter „Zukunft der Industrie“",
        "welcome_subject_en": "Welcome to “Future of Industry”",
        "welcome_text_de": "Schön, dass Sie dabei sind. Die nächste Ausgabe erscheint Anfang des Monats.",
        "welcome_text_en": "Glad to have you. The next issue comes out at the beginning of the month.",
    },
    {
        "slug": "industriedialog-baden-wuerttemberg", "name_de": "Industriedialog Baden-Württemberg",
        "name_en": "Industry Dialogue Baden-Württemberg",
        "description_de": "Erscheint zu jedem Industriedialog in Baden-Württemberg.",
        "description_en": "Comes out with each industry dialogue in Baden-Württemberg.",
        "frequency_de": "zu jedem Dialog", "frequency_en": "with each dialogue", "languages": ["de"],
        "topics": ["industriedialog"], "regions": ["baden-wuerttemberg"],
    },
]
SUBSCRIBERS = [
    # (email, name, language, newsletter slugs)
    ("lena.hoffmann@example.org", "Lena Hoffmann", "de", ["zukunft-der-industrie", "industriedialog-baden-wuerttemberg"]),
    ("jonas.weber@example.org", "Jonas Weber", "de", ["zukunft-der-industrie"]),
    ("emma.clarke@example.org", "Emma Clarke", "en", ["zukunft-der-industrie"]),
    ("mehmet.yilmaz@example.org", "Mehmet Yılmaz", "de", ["industriedialog-baden-wuerttemberg"]),
]


@dataclass
class DemoNewslettersReport:
    created: list[str] = field(default_factory=list)


def _sender():
    # The sender the demo contacts created (load_demo_contacts), or any: a newsletter needs one.
    sender_model = Newsletter._meta.get_field("sender").related_model
    sender = sender_model.objects.filter(is_default=True).first() or sender_model.objects.first()
    if sender is None:
        sender = sender_model.objects.create(
            label="Newsletter N3tzwerk", from_name="N3tzwerk Zukunft der Industrie",
            from_email="newsletter@example.org", is_default=True,
            imprint="N3tzwerk Zukunft der Industrie · Mauerstraße 83-84 · 10117 Berlin")
    return sender


@transaction.atomic
def demo_newsletters_load() -> DemoNewslettersReport:
    from cms.models import RegionPage, Topic

    report = DemoNewslettersReport()
    newsletter_roles_ensure()
    texts = {}
    for kind, source in ((ConsentText.Kind.CONSENT, CONSENT), (ConsentText.Kind.PRIVACY, PRIVACY)):
        for language, text in source.items():
            current = ConsentText.objects.filter(kind=kind, language=language).order_by("-version").first()
            if current is None:
                current = consent_text_create(kind=kind, language=language, text=text)
                report.created.append(f"{kind} text v1 ({language})")
            texts[kind, language] = current
    sender = _sender()
    newsletters = {}
    for spec in NEWSLETTERS:
        spec = dict(spec)
        topics, regions = spec.pop("topics"), spec.pop("regions")
        newsletter = Newsletter.objects.filter(slug=spec["slug"]).first()
        if newsletter is None:
            newsletter = Newsletter.objects.create(sender=sender, is_public=True, **spec)
            newsletter.topics.set(Topic.objects.filter(slug__in=topics, locale__language_code="de"))
            newsletter.regions.set(RegionPage.objects.filter(slug__in=regions, locale__language_code="de"))
            report.created.append(f"newsletter: {newsletter.name_de}")
        newsletters[newsletter.slug] = newsletter
    from newsletters.services.issues import newsletter_issue_index_ensure

    for newsletter in newsletters.values():
        newsletter_issue_index_ensure(newsletter=newsletter)
    for email, name, language, slugs in SUBSCRIBERS:
        for slug in slugs:
            newsletter = newsletters[slug]
            if Subscription.objects.filter(newsletter=newsletter, email=email).exists():
                continue
            _demo_subscription(newsletter=newsletter, email=email, name=name, language=language, texts=texts)
            report.created.append(f"subscriber: {email} → {newsletter.name_de}")
    return report


def _demo_subscription(*, newsletter, email, name, language, texts) -> Subscription:
    language = newsletter.language_for(language)
    first, _space, last = name.partition(" ")
    contact_id = mailable.contact_for_address(email=email, first_name=first, last_name=last, language=language,
                                              source="Demo-Daten", consent_note="Demo: double opt-in, see the log.")
    now = timezone.now()
    subscription = Subscription.objects.create(
        newsletter=newsletter, email=email, contact_id=contact_id, name=name, language=language,
        state=Subscription.State.CONFIRMED, signed_up_at=now, confirmed_at=now, confirmation_nonce="",
        consent_text=texts[ConsentText.Kind.CONSENT, language], privacy_notice=texts[ConsentText.Kind.PRIVACY, language],
    )
    subscription.topics.set(newsletter.topics.all()[:2])
    facts = RequestFacts(ip_address="192.0.2.10", user_agent="Demo", form_url="https://example.org/newsletter")
    for kind in (SubscriptionEvent.Kind.SIGNED_UP, SubscriptionEvent.Kind.CONFIRMATION_SENT,
                 SubscriptionEvent.Kind.CONFIRMED):
        subscription_event_record(subscription=subscription, kind=kind, facts=facts, data={"demo": True},
                                  occurred_at=now)
    return subscription
