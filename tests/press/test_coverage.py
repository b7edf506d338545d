"""Coverage clippings: recorded offline, read from a local page, never from an internal address, on the
journalist's timeline, and summed per release, outlet and region."""

import datetime

import pytest
from django.urls import reverse

from outreach.models import ActivityEvent
from press.models import Clipping
from press.services.coverage import clipping_fetch, clipping_record
from tests.press.distribution_fixtures import journalist, officer, seed_release  # noqa: F401
from tests.press.pageserver import PageServer

pytestmark = pytest.mark.django_db

HEADLINE = "Industriedialog: Regionen stärken die Industrie"


@pytest.fixture
def pages():
    server = PageServer().start()
    yield server
    server.stop()


@pytest.fixture
def local_allowed(settings):
    # The page server is on loopback, which only this setting (tests) lets through.
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    return settings


def add_url() -> str:
    return reverse("press_clippings:add")


def test_the_page_s_title_date_and_outlet_are_read(pages, local_allowed, seed_release):
    clipping = clipping_record(clipping=Clipping(url=pages.page("/artikel"), release=seed_release))

    clipping = clipping_fetch(clipping_id=clipping.pk)

    assert clipping.fetch_status == Clipping.FetchStatus.FETCHED
    assert (clipping.headline, clipping.published_on, clipping.outlet) == (
        HEADLINE, datetime.date(2017, 1, 18), "Rheinische Post")
    assert clipping_fetch(clipping_id=clipping.pk).headline == HEADLINE  # safe to run twice


def test_what_the_officer_typed_is_kept(pages, local_allowed):
    clipping = clipping_record(clipping=Clipping(url=pages.page("/artikel"), headline="Eigene Überschrift"))

    clipping = clipping_fetch(clipping_id=clipping.pk)

    assert clipping.headline == "Eigene Überschrift" and clipping.outlet == "Rheinische Post"


def test_a_redirect_to_a_public_page_is_followed(pages, local_allowed):
    pages.page("/2017/artikel")
    clipping = clipping_record(clipping=Clipping(url=pages.redirect("/kurz", "/2017/artikel", status=301)))

    assert clipping_fetch(clipping_id=clipping.pk).headline == HEADLINE
    assert pages.requests == ["/kurz", "/2017/artikel"]


@pytest.mark.parametrize("target", [
    "http://169.254.169.254/latest/meta-data/",  # the cloud's metadata service (link-local)
    "http://10.0.0.7/intern",
    "http://[::ffff:192.168.1.1]/router",
])
def test_a_redirect_to_a_private_address_is_refused(pages, local_allowed, target):
    clipping = clipping_record(clipping=Clipping(url=pages.redirect("/weiter", target)))

    clipping = clipping_fetch(clipping_id=clipping.pk)

    assert clipping.fetch_status == Clipping.FetchStatus.FAILED
    assert "intern" in clipping.fetch_error.lower()
    assert clipping.headline == "" and pages.requests == ["/weiter"]


def test_without_the_test_setting_even_the_local_server_is_refused(pages, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    clipping = Clipping.objects.create(url=pages.page("/artikel"))

    clipping = clipping_fetch(clipping_id=clipping.pk)

    assert clipping.fetch_status == Clipping.FetchStatus.FAILED and pages.requests == []


def test_something_that_is_not_a_page_is_not_read(pages, local_allowed):
    clipping = Clipping.objects.create(url=pages.page("/bild.png", "PNG", **{"Content-Type": "image/png"}))

    assert clipping_fetch(clipping_id=clipping.pk).fetch_status == Clipping.FetchStatus.FAILED


def test_recording_in_the_admin_works_offline_and_goes_on_the_timeline(client, officer, seed_release):
    reporter = journalist("lokal@zeitung.example", first_name="Lena", last_name="Lokal")
    client.force_login(officer)

    response = client.post(add_url(), {
        "release": seed_release.pk, "url": "https://zeitung.invalid/wirtschaft/industriedialog",
        "headline": "Dialog in Krefeld", "outlet": "Westdeutsche Zeitung", "published_on": "2017-01-17",
        "reach": "120000", "tone": "positive", "journalist": reporter.pk,
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    clipping = Clipping.objects.get(headline="Dialog in Krefeld")
    assert clipping.created_by == officer and clipping.fetch_status == Clipping.FetchStatus.PENDING
    event = ActivityEvent.objects.get(contact=reporter, subject=f"press.clipping:{clipping.pk}")
    assert event.summary == "Berichterstattung: Westdeutsche Zeitung – Dialog in Krefeld"
    assert event.data["tone"] == "positive"
    timeline = client.get(reverse("outreach_contacts:inspect", args=[reporter.pk])).content.decode()
    assert "Berichterstattung: Westdeutsche Zeitung – Dialog in Krefeld" in timeline

    other = journalist("andere@zeitung.example")
    client.post(reverse("press_clippings:edit", args=[clipping.pk]), {
        "release": seed_release.pk, "url": clipping.url, "headline": "Dialog in Krefeld",
        "outlet": "Westdeutsche Zeitung", "published_on": "2017-01-17", "reach": "120000", "tone": "positive",
        "journalist": other.pk,
    })
    assert not ActivityEvent.objects.filter(contact=reporter, subject=f"press.clipping:{clipping.pk}").exists()
    assert ActivityEvent.objects.filter(contact=other, subject=f"press.clipping:{clipping.pk}").count() == 1


@pytest.mark.parametrize("url,message", [
    ("ftp://zeitung.example/artikel", "http://"),
    ("javascript:alert(1)", "URL"),
    ("http://10.1.2.3/artikel", "interne Adresse"),
    ("http://127.0.0.1:8000/admin/", "interne Adresse"),
])
def test_bad_addresses_are_refused_in_german_and_nothing_is_saved(client, officer, url, message, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    client.force_login(officer)

    response = client.post(add_url(), {"url": url, "headline": "Schlecht", "tone": "neutral"})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Clipping.objects.filter(headline="Schlecht").exists()


def test_the_overview_sums_per_release_outlet_and_region(client, officer, seed_release):
    for outlet, reach in (("Rheinische Post", 300000), ("Rheinische Post", 100000), ("WDR", 50000)):
        Clipping.objects.create(url="https://example.org/a", release=seed_release, outlet=outlet, reach=reach,
                                tone="positive")
    client.force_login(officer)

    listing = client.get(reverse("press_clippings:index"), {"release": seed_release.pk})
    assert listing.status_code == 200 and reverse("press_clippings:overview") in listing.content.decode()
    assert listing.content.decode().count("Rheinische Post") >= 2
    page = client.get(reverse("press_clippings:overview")).content.decode()

    release_table = page.split("data-by-release")[1].split("</table>")[0]
    assert "N3tzwerk unterstützt Industriedialog in Regionen" in release_table and "450000" in release_table
    outlet_table = page.split("data-by-outlet")[1].split("</table>")[0]
    assert outlet_table.index("Rheinische Post") < outlet_table.index("WDR") and "400000" in outlet_table
    region_table = page.split("data-by-region")[1].split("</table>")[0]
    assert "Krefeld" in region_table and "Thüringen" in region_table


def test_people_outside_the_press_office_do_not_see_clippings(client, django_user_model):
    from cms.services.roles import editors_group_ensure

    editor = django_user_model.objects.create_user("redaktion2", "r2@example.org")
    editor.groups.add(editors_group_ensure())
    client.force_login(editor)

    assert client.get(reverse("press_clippings:index")).status_code == 302
    assert client.get(reverse("press_clippings:overview")).status_code == 302
