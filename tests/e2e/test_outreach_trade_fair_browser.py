"""A press officer imports a trade-fair list in Chromium: picks the legal basis (none is preselected) and the
origin, sees the Excel-damaged address as a problem and the new outlet as information, and finds the imported
journalist with the Art. 14 notice due."""

import time

import pytest
from django.urls import reverse

from outreach.models import Contact, ContactImport, JournalistProfile
from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# As German Excel saves a list from a fair's press office: semicolons, Windows-1252. "Yılmaz" has a letter
# cp1252 lacks, so Excel wrote a "?" in its place.
CSV = (
    "E-Mail;Vorname;Nachname;Medium;Ressort;Ort;Funktion;Bemerkung\r\n"
    "lena.vogt@example.org;Lena;Vogt;Thüringer Allgemeine;Industriedialog;Thüringen;Redakteurin;Am Stand 4\r\n"
    "ömer.y?lmaz@example.org;Ömer;Y?lmaz;WAZ;Arbeit der Zukunft;Nord-Westfalen;Reporter;\r\n"
).encode("cp1252")


def test_trade_fair_import_marks_the_art14_notice_due(browser, live_server, press_office_user, celery_worker_thread,
                                                       tmp_path):
    csv_file = tmp_path / "messe-hannover-presse.csv"
    csv_file.write_bytes(CSV)
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    admin_login(page, live_server, press_office_user.username, PRESS_OFFICE_PASSWORD)

    page.goto(f"{live_server.url}{reverse('contact_imports:add')}")
    assert page.locator("#id_legal_basis").input_value() == ""  # no default legal basis
    page.set_input_files("#id_file", str(csv_file))
    page.locator("main form button[type=submit]").click()
    # Without a legal basis and an origin nothing is uploaded; the form says what is missing.
    page.locator("#id_legal_basis").wait_for()
    assert "Rechtsgrundlage" in page.locator("main").inner_text()
    assert not ContactImport.objects.exists()

    page.set_input_files("#id_file", str(csv_file))
    page.select_option("#id_legal_basis", "legitimate-interest")
    page.fill("#id_legal_basis_note", "Fachpresse, die über die Hannover Messe berichtet")
    page.select_option("#id_data_origin", "trade-fair")
    page.fill("#id_source", "Presseliste Hannover Messe 2026")
    page.select_option("#id_profile_kind", "journalist")
    page.screenshot(path="/tmp/e2e-trade-fair-upload.png", full_page=True)
    page.locator("main form button[type=submit]").click()

    page.locator("[data-count=new]").wait_for()
    assert page.locator("[data-count=new]").inner_text() == "1"
    assert page.locator("[data-count=rejected]").inner_text() == "1"
    problems = page.locator("[data-import-problems]").inner_text()
    assert "ömer.y?lmaz@example.org" in problems and "beschädigt" in problems
    information = page.locator("[data-import-information]").inner_text()
    assert "Thüringer Allgemeine" in information and "wird angelegt" in information
    page.screenshot(path="/tmp/e2e-trade-fair-preview.png", full_page=True)

    page.locator("button[value=start]").click()
    page.locator("[data-import-progress]").wait_for()
    contact_import = ContactImport.objects.get()
    deadline = time.monotonic() + 30
    while contact_import.status != ContactImport.Status.DONE and time.monotonic() < deadline:
        time.sleep(0.2)
        contact_import.refresh_from_db()
    assert contact_import.status == ContactImport.Status.DONE, contact_import.error
    page.locator("[data-import-links]").wait_for()
    assert "wurde angelegt" in page.locator("[data-import-information]").inner_text()
    page.screenshot(path="/tmp/e2e-trade-fair-done.png", full_page=True)

    page.get_by_role("link", name="Importierte Kontakte anzeigen").click()
    page.get_by_role("link", name="Lena Vogt").first.click()
    gdpr = page.locator("section[aria-labelledby=gdpr-heading]")
    gdpr.wait_for()
    assert "Fällig beim ersten Kontakt" in gdpr.inner_text()
    assert "Presseliste Hannover Messe 2026" in gdpr.inner_text()
    page.screenshot(path="/tmp/e2e-trade-fair-contact.png", full_page=True)

    lena = Contact.objects.get(email="lena.vogt@example.org")
    assert (lena.data_origin, lena.art14_notice_sent_at) == ("trade-fair", None)
    profile = JournalistProfile.objects.get(contact=lena)
    assert (profile.outlet.name, profile.role) == ("Thüringer Allgemeine", "Redakteurin")
    assert list(profile.beats.values_list("slug", flat=True)) == ["industriedialog"]
