"""Press releases for tests, built as the admin and the demo build them (published, scheduled or translated)."""

import datetime

from wagtail.models import Locale

from cms.models import RegionPage
from cms.services.demo import DemoSummary, translation_ensure
from press.models import (
    PressContact,
    PressReleaseContact,
    PressReleaseDocument,
    PressReleaseImage,
    PressReleasePage,
)

TITLE = "Sperrfrist-Test: Neue Modellregion"
ENGLISH = {TITLE: "Embargo test: a new model region", "Mannheim": "Mannheim",
           "Eine neue Modellregion kommt hinzu.": "A new model region joins."}


def release_create(*, newsroom, embargo: datetime.datetime | None = None, images=(), documents=(),
                   translate: bool = False, slug: str = "sperrfrist-test") -> PressReleasePage:
    """A release with the demo press contact, published through Wagtail (so scheduled if the embargo lies ahead)."""
    from wagtail.rich_text import RichText

    release = PressReleasePage(
        title=TITLE, slug=slug, locale=newsroom.locale, dateline="Mannheim", embargo_until=embargo,
        summary="Eine neue Modellregion kommt hinzu.",
        body=[("text", RichText("<p>Eine neue Modellregion kommt hinzu.</p>"))],
    )
    release.press_contacts = [PressReleaseContact(contact=PressContact.objects.get(name="Simone Ebel-Schmidt"))]
    release.images = [PressReleaseImage(image=image) for image in images]
    release.documents = [PressReleaseDocument(document=document) for document in documents]
    release.regions.set(RegionPage.objects.filter(locale=newsroom.locale, slug="krefeld"))
    newsroom.add_child(instance=release)
    release.save_revision().publish()
    if translate:
        translation_ensure(release, Locale.objects.get(language_code="en"), DemoSummary(), strings=ENGLISH)
    return PressReleasePage.objects.get(pk=release.pk)
