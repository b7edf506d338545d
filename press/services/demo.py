"""Load the demo newsroom and the seed press release, German with an English translation.

Idempotent, like the cms demo it builds on (cms.services.demo): what exists
is left as it is. Needs the cms demo (home pages, regions, partners, topics).
If outreach's demo mailing is there, it is pointed at the release page.
"""

from django.db import transaction
from wagtail.models import Locale
from wagtail.rich_text import RichText

from cms.models import HomePage, PartnerOrganisation, RegionPage, Topic
from cms.services.demo import DemoSummary, page_child_ensure, translation_ensure
from outreach.mailable import reference_for
from outreach.services.demo_mailing import demo_mailing_source_use
from press import demo
from press.models import Boilerplate, NewsroomPage, PressContact, PressReleaseContact, PressReleasePage
from press.services.roles import press_office_newsroom_grant


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def _body() -> list:
    items = "".join(f"<li>{item}</li>" for item in demo.MEASURES)
    return [("text", RichText(_paragraphs(*demo.INTRO) + f"<ul>{items}</ul>" + _paragraphs(*demo.OUTRO)))]


@transaction.atomic
def demo_press_load() -> DemoSummary:
    """The newsroom under each home page, the seed release with its press contact, and its translation."""
    report = DemoSummary()
    german = Locale.objects.get(language_code="de")
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(locale=german)

    contact, created = PressContact.objects.get_or_create(name=demo.PRESS_CONTACT["name"], defaults=demo.PRESS_CONTACT)
    if created:
        report.created.append(f"press contact: {contact}")
    boilerplate = Boilerplate.objects.filter(name=demo.BOILERPLATE_NAME, locale=german).first()
    if boilerplate is None:
        boilerplate = Boilerplate.objects.create(name=demo.BOILERPLATE_NAME, heading=demo.BOILERPLATE_HEADING,
                                                 text=_paragraphs(*demo.BOILERPLATE_TEXT), locale=german)
        report.created.append(f"boilerplate: {boilerplate}")
    # The release's translation links the English boilerplate, which must exist first.
    translation_ensure(boilerplate, english, report, strings=demo.ENGLISH)

    newsroom = page_child_ensure(home, NewsroomPage, slug=demo.NEWSROOM_SLUG, title=demo.NEWSROOM_TITLE,
                                 intro=_paragraphs(demo.NEWSROOM_INTRO), report=report)
    release = PressReleasePage.objects.child_of(newsroom).filter(slug=demo.RELEASE_SLUG).first()
    if release is None:
        release = PressReleasePage(
            slug=demo.RELEASE_SLUG, locale=german, title=demo.TITLE, subtitle=demo.SUBTITLE, summary=demo.SUMMARY,
            dateline=demo.DATELINE, release_date=demo.RELEASE_DATE, body=_body(), boilerplate=boilerplate,
        )
        release.press_contacts = [PressReleaseContact(contact=contact)]
        release.regions.set(RegionPage.objects.filter(locale=german, slug__in=demo.REGIONS))
        release.topics.set(Topic.objects.filter(locale=german, slug__in=demo.TOPICS))
        release.partners.set(PartnerOrganisation.objects.filter(name__in=demo.PARTNERS))
        newsroom.add_child(instance=release)
        release.save_revision().publish()
        report.created.append(f"press release: {release.title}")

    translation_ensure(newsroom, english, report, strings=demo.ENGLISH)
    translation_ensure(release, english, report, strings=demo.ENGLISH)
    press_office_newsroom_grant()
    if demo_mailing_source_use(reference=reference_for("press.pressreleasepage", release.pk)):
        report.created.append("mailing: the demo draft now takes its content from the release page")
    return report
