"""Load the demo content: German source pages with English translations through wagtail-localize.

Idempotent: what exists (matched by slug and parent, or by translation) is
left as it is, so a second run changes nothing.
"""

import datetime
import os
import secrets
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from cms.demo import content as demo
from cms.models import (
    EventIndexPage,
    EventPage,
    HomePage,
    InitiativeIndexPage,
    InitiativePage,
    NewsArticlePage,
    NewsIndexPage,
    PartnerOrganisation,
    RegionContact,
    RegionIndexPage,
    RegionPage,
    StudyIndexPage,
    StudyPage,
    Topic,
)
from cms.services.roles import editors_group_ensure, initiative_partner_group_ensure

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class DemoSummary:
    created: list[str] = field(default_factory=list)
    translated: list[str] = field(default_factory=list)


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _ensure_home(locale: Locale, report: DemoSummary) -> HomePage:
    home = HomePage.objects.filter(locale=locale).first()
    if home:
        return home
    root = Page.get_first_root_node()
    site = Site.objects.filter(is_default_site=True).first()
    # Wagtail's installer leaves a plain "Welcome" page as the site root.
    for placeholder in root.get_children().filter(content_type__model="page", slug="home"):
        placeholder.delete()
    home = HomePage(
        title="Zukunft der Industrie",
        slug="home",
        locale=locale,
        intro="<p>Regionale Industriedialoge in Deutschland: Nachrichten, Termine, Initiativen und gute Praxis.</p>",
    )
    root.add_child(instance=home)
    _publish(home)
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Dialogdesk")
    else:
        site.root_page = home
        site.save()
    report.created.append(str(home))
    return home


def _ensure_child(parent: Page, model, *, slug: str, report: DemoSummary, relations=None, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = model(slug=slug, locale=parent.locale, **fields)
    for name, values in (relations or {}).items():
        getattr(page, name).set(values)
    parent.add_child(instance=page)
    _publish(page)
    report.created.append(f"{model._meta.verbose_name}: {page.title}")
    return page


def _ensure_translation(instance, locale: Locale, report: DemoSummary, strings: dict | None = None):
    """The instance's translation into locale, from `strings` (German -> translated; default: the cms demo's)."""
    if instance.has_translation(locale):
        return instance.get_translation(locale)
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        english = (demo.ENGLISH if strings is None else strings).get(segment.string.data)
        if segment.context.path == "slug":
            # The demo keeps its German addresses in English, as a translator's choice (tests and the front
            # end's fixtures use them); otherwise the slug would follow the translated title.
            english = segment.string.data
        if english:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string, locale=locale, context=segment.context,
                defaults={"data": english, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
            )
    if isinstance(instance, Page):
        # wagtail-localize publishes on commit with the page object as it was
        # when created; inside this one long transaction that leaves the English
        # parents' child counts stale. Publishing the revision now keeps the tree sound.
        translation.save_target(publish=False)
        instance.get_translation(locale).get_latest_revision().publish()
    else:
        translation.save_target(publish=True)
    report.translated.append(str(instance))
    return instance.get_translation(locale)


# For the other apps' demo loaders (press), which build on the same tree and translation machinery.
page_child_ensure = _ensure_child
translation_ensure = _ensure_translation


def _text(*paragraphs: str) -> list:
    return [("text", RichText("".join(f"<p>{p}</p>" for p in paragraphs)))]


@transaction.atomic
def demo_content_load() -> DemoSummary:
    """Create the six model regions, the consortium partners, initiatives, news, events and studies."""
    report = DemoSummary()
    german, _created = Locale.objects.get_or_create(language_code="de")
    english, _created = Locale.objects.get_or_create(language_code="en")

    home = _ensure_home(german, report)

    topics = {}
    for slug, name in demo.TOPICS:
        topic = Topic.objects.filter(slug=slug, locale=german).first()
        if topic is None:
            topic = Topic.objects.create(slug=slug, name=name, locale=german)
            report.created.append(f"topic: {name}")
        topics[slug] = topic

    partners = {}
    for name, kind, website in demo.PARTNERS:
        partners[name], created = PartnerOrganisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "website": website}
        )
        if created:
            report.created.append(f"partner: {name}")

    regions_index = _ensure_child(home, RegionIndexPage, slug="modellregionen", title="Modellregionen", report=report)
    regions = {}
    for slug, title, level, state in demo.REGIONS:
        regions[slug] = _ensure_region(regions_index, slug, title, level, state, topics, report)

    initiatives_index = _ensure_child(home, InitiativeIndexPage, slug="initiativen", title="Initiativen", report=report)
    initiatives = {}
    for slug, title, text, region_slugs, partner_names, topic_slugs in demo.INITIATIVES:
        initiatives[slug] = _ensure_child(
            initiatives_index, InitiativePage, slug=slug, title=title, report=report,
            goals=f"<p>{demo.INITIATIVE_GOALS}</p>",
            relations={
                "regions": [regions[s] for s in region_slugs],
                "partners": [partners[n] for n in partner_names],
                "topics": [topics[s] for s in topic_slugs],
            },
            summary=text,
        )

    news_index = _ensure_child(home, NewsIndexPage, slug="aktuelles", title="Aktuelles", report=report)
    _ensure_child(
        news_index, NewsArticlePage, slug="n3tzwerk-unterstuetzt-industriedialog",
        title="N3tzwerk unterstützt Industriedialog in sechs Modellregionen", date=demo.RELEASE_DATE,
        body=_text(*demo.RELEASE_PARAGRAPHS), report=report,
        relations={"regions": list(regions.values()), "topics": [topics["industriedialog"], topics["akzeptanz"]]},
    )
    _ensure_child(
        news_index, NewsArticlePage, slug="studie-regionale-industrieinitiativen",
        title="Studie erfasst erstmals regionale Industrieinitiativen", date=demo.RELEASE_DATE,
        body=_text(
            "Eine Studie erfasst und analysiert bestehende regionale Industrieinitiativen und -bündnisse "
            "in Deutschland und beschreibt gute Praxis."
        ),
        report=report, relations={"topics": [topics["gute-praxis"]]},
    )
    _ensure_child(
        initiatives["buendnis-krefeld"], NewsArticlePage, slug="krefelder-industriedialog-gestartet",
        title="Krefelder Industriedialog gestartet", date=demo.RELEASE_DATE + datetime.timedelta(days=60),
        body=_text("Das Bündnis lädt Bürgerinnen und Bürger zum ersten Krefelder Industriedialog ein."),
        report=report,
        relations={"regions": [regions["krefeld"]], "initiatives": [initiatives["buendnis-krefeld"]],
                   "topics": [topics["industriedialog"]]},
    )

    events_index = _ensure_child(home, EventIndexPage, slug="termine", title="Termine", report=report)
    first_day = (timezone.now().astimezone(BERLIN) + datetime.timedelta(days=45)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    _ensure_child(
        events_index, EventPage, slug="bundesweites-treffen", title="Bundesweites Treffen der Industrieinitiativen",
        kind=EventPage.Kind.NATIONWIDE_MEETING, start_at=first_day, end_at=first_day + datetime.timedelta(hours=7),
        place="Berlin, Mauerstraße 83-84",
        body=_text("Die regionalen Initiativen und Bündnisse treffen sich, um Erkenntnisse aus den Modellregionen vorzustellen."),
        report=report, relations={"topics": [topics["industriedialog"]]},
    )
    _ensure_child(
        events_index, EventPage, slug="industriedialog-thueringen", title="Regionaler Industriedialog Thüringen",
        kind=EventPage.Kind.REGIONAL_DIALOGUE, start_at=first_day + datetime.timedelta(days=14),
        end_at=first_day + datetime.timedelta(days=14, hours=4), place="Erfurt",
        body=_text("Akteure aus Unternehmen, Gewerkschaften und Politik diskutieren die Zukunft der Industrie in Thüringen."),
        report=report, relations={"regions": [regions["thueringen"]], "topics": [topics["industriedialog"]]},
    )

    studies_index = _ensure_child(home, StudyIndexPage, slug="studien", title="Studien und gute Praxis", report=report)
    _ensure_child(
        studies_index, StudyPage, slug="regionale-industrieinitiativen", title="Regionale Industrieinitiativen in Deutschland",
        kind=StudyPage.Kind.STUDY, publication_date=demo.RELEASE_DATE, authors="Prognos AG, N3tzwerk Zukunft der Industrie",
        body=_text("Bestandsaufnahme, Analyse und gute Praxis regionaler Industrieinitiativen und -bündnisse."),
        report=report, relations={"topics": [topics["gute-praxis"]]},
    )
    _ensure_child(
        studies_index, StudyPage, slug="lange-nacht-der-industrie", title="Lange Nacht der Industrie",
        kind=StudyPage.Kind.GOOD_PRACTICE, publication_date=demo.RELEASE_DATE,
        body=_text("Unternehmen öffnen ihre Werkstore für Bürgerinnen und Bürger."),
        report=report, relations={"topics": [topics["gute-praxis"]], "regions": [regions["mittelrhein"]]},
    )

    for topic in topics.values():
        _ensure_translation(topic, english, report)
    for page in home.get_descendants(inclusive=True).filter(locale=german).order_by("path").specific():
        _ensure_translation(page, english, report)

    editors_group_ensure()
    for initiative in initiatives.values():
        initiative_partner_group_ensure(initiative=initiative)
    return report


def _ensure_region(parent, slug, title, level, state, topics, report):
    region = _ensure_child(
        parent, RegionPage, slug=slug, title=title, level=level, federal_state=state,
        report=report, relations={"topics": [topics["industriedialog"]]},
    )
    if not region.contacts.exists():
        RegionContact.objects.create(page=region, role="Pressekontakt", **demo.PRESS_CONTACT)
        region.save_revision().publish()
    return region


@transaction.atomic
def demo_users_ensure(*, password: str) -> list[tuple[str, str]]:
    """Create an administrator, an editor and one initiative partner for trying the admin.

    Existing users keep their passwords. Returns (username, role) pairs.
    """
    User = get_user_model()
    editors = editors_group_ensure()
    krefeld = InitiativePage.objects.filter(slug="buendnis-krefeld", locale__language_code="de").first()
    wanted = [
        ("admin", "Administrator", True, None),
        ("redaktion", "Editor", False, editors),
        ("partner-krefeld", "Initiative partner (Krefeld)", False,
         initiative_partner_group_ensure(initiative=krefeld) if krefeld else None),
    ]
    created = []
    for username, role, is_superuser, group in wanted:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={"is_superuser": is_superuser, "is_staff": is_superuser, "email": f"{username}@example.org"},
        )
        if was_created:
            user.set_password(password)
            user.save()
        if group is not None:
            user.groups.add(group)
        created.append((username, role))
    return created


def demo_password() -> str:
    """The demo logins' password: DIALOGDESK_DEMO_PASSWORD, else generated once and kept in var/."""
    if os.environ.get("DIALOGDESK_DEMO_PASSWORD"):
        return os.environ["DIALOGDESK_DEMO_PASSWORD"]
    path = settings.VAR_DIR / "demo-password.txt"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password
