"""The seed press release is a real, published page in German and English, with its contact and partners."""

import pytest
from django.core.management import call_command

from press.models import NewsroomPage, PressReleasePage

pytestmark = pytest.mark.django_db


def test_the_seed_release_is_published_in_german_and_english(german, english):
    release = PressReleasePage.objects.get(locale=german, slug="n3tzwerk-unterstuetzt-industriedialog-in-regionen")
    translation = release.get_translation(english)

    assert release.live and translation.live
    assert release.dateline == "Berlin" and release.release_date.isoformat() == "2017-01-16"
    assert [c.contact.name for c in release.press_contacts.all()] == ["Simone Ebel-Schmidt"]
    assert [c.contact.name for c in translation.press_contacts.all()] == ["Simone Ebel-Schmidt"]
    assert sorted(p.name for p in release.partners.all()) == ["N3tzwerk Zukunft der Industrie", "Operation Apps GmbH",
                                                                "Prognos AG"]
    assert release.regions.count() == 6
    assert translation.title == "N3tzwerk supports the industry dialogue in the regions"
    assert "Industry in Germany stands for" in str(translation.body)
    assert "Industrie in Deutschland" not in str(translation.body)
    assert translation.boilerplate.locale == english
    assert translation.boilerplate.heading == "About N3tzwerk Zukunft der Industrie"
    assert NewsroomPage.objects.filter(locale=english, live=True).count() == 1


def test_loading_twice_changes_nothing():
    pages = PressReleasePage.objects.count()
    call_command("load_demo_press", stdout=open("/dev/null", "w"))
    assert PressReleasePage.objects.count() == pages
