"""A press officer's day with a release, in a real browser and the German admin.

Writes a release under embargo, distributes it with a personal note (a real Celery worker sends it into
the outbox), reads the "SPERRFRIST" banner in the admin's outbox, sees the release go live when the
embargo is over, records a clipping and opens the release's response view.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import Mailing
from press.models import NewsroomPage, PressReleasePage
from tests.press.distribution_fixtures import contact_list, journalist

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BERLIN = ZoneInfo("Europe/Berlin")
USERNAME = "presse-release-e2e"
PASSWORD = "e2e-only-Passwort-Release"
TITLE = "Krefeld wird Modellregion des Industriedialogs"
EMBARGO_SECONDS = 20
NOTE = "Liebe Frau Schmidt, wie besprochen vorab und exklusiv für Sie."


@pytest.fixture
def officer(settings, django_user_model, tmp_path):
    from press.services.roles import press_office_newsroom_grant

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAIL_BACKEND = "outbox"
    settings.MAIL_OUTBOX_DIR = str(tmp_path / "outbox")
    settings.MAIL_DOMAIN = "mail.dialogdesk.test"
    user = django_user_model.objects.create_user(USERNAME, "ebel-schmidt@presse.example.org", PASSWORD,
                                                 first_name="Simone", last_name="Ebel-Schmidt")
    user.groups.add(press_office_newsroom_grant())
    return user


def mailing_distribution_id(mailing) -> int:
    from press.models import Distribution

    return Distribution.objects.get(mailing=mailing).pk


def test_a_release_under_embargo_from_writing_to_what_came_back(browser, live_server, officer, celery_worker_thread):
    anna = journalist("anna@zeitung.example", first_name="Anna", last_name="Schmidt", salutation="ms")
    ben = journalist("ben@radio.example", first_name="Ben", last_name="Berg", salutation="mr")
    reporters = contact_list("Wirtschaftsredaktionen NRW", [anna, ben])
    newsroom = NewsroomPage.objects.get(locale__language_code="de")
    # The first full minute (embargoes are set to the minute) at least EMBARGO_SECONDS ahead: enough to
    # distribute the release under embargo first, short enough to wait for.
    embargo = ((timezone.now() + datetime.timedelta(seconds=EMBARGO_SECONDS)).replace(second=0, microsecond=0)
               + datetime.timedelta(minutes=1)).astimezone(BERLIN)
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    base = live_server.url

    page.goto(f"{base}{reverse('wagtailadmin_login')}")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base}{reverse('wagtailadmin_home')}")

    # 1. Write the release with an embargo and its press contact, and publish: it is scheduled, not live.
    page.goto(f"{base}{reverse('wagtailadmin_pages:add', args=['press', 'pressreleasepage', newsroom.pk])}")
    page.fill("#id_title", TITLE)
    page.fill("#id_dateline", "Krefeld")
    page.fill("#id_embargo_until", embargo.strftime("%d.%m.%Y %H:%M"))  # as the editor shows dates
    page.keyboard.press("Escape")  # closes the date picker
    page.locator("#id_press_contacts-ADD").click()
    page.locator("#id_press_contacts-0-contact-chooser .unchosen button").click()
    page.locator("[data-chooser-modal-choice]").filter(has_text="Simone Ebel-Schmidt").first.click()
    expect(page.locator("#id_press_contacts-0-contact")).not_to_have_value("")
    page.get_by_role("button", name="Mehr Aktionen").click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url(f"**{reverse('wagtailadmin_explore', args=[newsroom.pk])}")
    release = PressReleasePage.objects.get(title=TITLE)
    assert not release.live and release.go_live_at == embargo

    def public_titles() -> list[str]:
        response = page.request.get(f"{base}/api/v2/pages/", params={"type": "press.PressReleasePage"})
        assert response.ok
        return [item["title"] for item in response.json()["items"]]

    assert TITLE not in public_titles()

    # 2. Distribute it to the list, with a personal note for Anna, and send.
    # The page header's "Distribute" button (tests/press/test_distributions.py) leads here.
    page.goto(f"{base}{reverse('press_distribution_create', args=[release.pk])}")
    page.get_by_label(reporters.name).check()
    page.get_by_role("button", name="Verteilung anlegen").click()
    page.locator(f"textarea[name='note-{anna.pk}']").fill(NOTE)
    page.get_by_role("button", name="Notizen speichern").click()
    page.get_by_role("button", name="Medieninformation jetzt verschicken").click()
    mailing = Mailing.objects.get(source=f"press.pressreleasepage:{release.pk}")
    for _attempt in range(300):
        mailing.refresh_from_db()
        if mailing.status == Mailing.Status.SENT:
            break
        page.wait_for_timeout(100)
    assert mailing.status == Mailing.Status.SENT

    # 3. The admin's outbox: Anna's mail says SPERRFRIST in the subject and above the release, with her note.
    page.goto(f"{base}{reverse('outreach_outbox:index')}")
    page.get_by_label("Aussendung", exact=True).select_option(label=mailing.title)
    page.locator("[data-outbox] tbody tr").filter(has_text=anna.email).get_by_role("link").first.click()
    expect(page.locator("[data-outbox-subject]")).to_contain_text("SPERRFRIST")
    mail = page.frame_locator("iframe[title='E-Mail']")
    expect(mail.get_by_text(re.compile("SPERRFRIST")).first).to_be_visible()
    expect(mail.get_by_text(NOTE)).to_be_visible()

    # 4. At the embargo, what beat runs every minute (the real publish_scheduled command) puts it live.
    from cms.tasks import pages_publish_scheduled_task

    assert mailing.started_at < embargo, "sent after the embargo: raise EMBARGO_SECONDS"
    if timezone.now() < embargo:
        pages_publish_scheduled_task()  # too early: nothing happens
        assert not PressReleasePage.objects.get(pk=release.pk).live
    page.wait_for_timeout(max(0.0, (embargo - timezone.now()).total_seconds()) * 1000 + 100)
    pages_publish_scheduled_task()
    assert PressReleasePage.objects.get(pk=release.pk).live
    assert TITLE in public_titles()

    # 5. From the distribution to what came back; record a clipping there.
    page.goto(f"{base}{reverse('press_distribution', args=[mailing_distribution_id(mailing)])}")
    page.locator("[data-responses-link]").click()
    page.wait_for_url(f"**{reverse('press_release_responses', args=[release.pk])}**")
    expect(page.locator("[data-responses] tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Clipping erfassen").click()
    page.fill("#id_url", "https://zeitung.example/krefeld-modellregion")
    page.fill("#id_headline", "Krefeld ist jetzt Modellregion")
    page.fill("#id_outlet", "Zeitung Example")
    page.fill("#id_reach", "85000")
    page.get_by_role("button", name="Erstellen").click()
    page.wait_for_url(f"**{reverse('press_clippings:index')}**")

    # 6. The response view lists both recipients as received and the clipping with its reach.
    page.goto(f"{base}{reverse('press_release_responses', args=[release.pk])}")
    rows = page.locator("[data-responses] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=anna.email)).to_contain_text("Angenommen")
    expect(page.locator("[data-total=received]")).to_have_text("2")
    expect(page.locator("[data-clippings]")).to_contain_text("Krefeld ist jetzt Modellregion")
    expect(page.locator("[data-coverage]")).to_contain_text("85.000")
