"""A press officer imports a German Excel CSV in a real browser; a real Celery worker runs the import."""

import time

import pytest
from django.urls import reverse

from outreach.models import Contact, ContactImport
from tests.e2e.conftest import PRESS_OFFICE_PASSWORD, admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# As German Excel saves it: semicolons, Windows-1252, umlauts.
CSV = (
    "E-Mail;Anrede;Vorname;Nachname;Firma\r\n"
    "jana.mueller@example.org;Frau;Jana;Müller;Thüringer Allgemeine\r\n"
    "keine-adresse;Herr;Kai;Kaputt;Niemand GmbH\r\n"
    "peter.schaefer@example.org;Herr;Peter;Schäfer;Stuttgarter Zeitung\r\n"
).encode("cp1252")



def test_press_officer_imports_contacts_and_watches_the_progress(
    browser, live_server, press_office_user, celery_worker_thread, tmp_path
):
    csv_file = tmp_path / "presseverteiler.csv"
    csv_file.write_bytes(CSV)
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)

    admin_login(page, live_server, press_office_user.username, PRESS_OFFICE_PASSWORD)

    page.goto(f"{live_server.url}{reverse('contact_imports:add')}")
    page.set_input_files("#id_file", str(csv_file))
    page.select_option("#id_legal_basis", "legitimate-interest")
    page.fill("#id_legal_basis_note", "Fachpresse, die über die Region berichtet")
    page.select_option("#id_data_origin", "trade-fair")
    page.fill("#id_source", "Presseverteiler der Messe 2026")
    page.locator("main form button[type=submit]").click()

    # The preview shows the effect before anything is written.
    page.locator("[data-count=new]").wait_for()
    assert page.locator("[data-count=new]").inner_text() == "2"
    assert page.locator("[data-count=rejected]").inner_text() == "1"
    assert "keine-adresse" in page.locator("[data-import-problems]").inner_text()
    assert not Contact.objects.filter(email="jana.mueller@example.org").exists()
    page.screenshot(path="/tmp/e2e-import-preview.png")

    page.locator("button[value=start]").click()
    page.locator("[data-import-progress]").wait_for()
    contact_import = ContactImport.objects.get()
    deadline = time.monotonic() + 30
    while contact_import.status != ContactImport.Status.DONE and time.monotonic() < deadline:
        time.sleep(0.2)
        contact_import.refresh_from_db()
    assert contact_import.status == ContactImport.Status.DONE, contact_import.error
    # The page polls and shows the result without a manual reload.
    page.wait_for_function("() => document.querySelector('[data-import-progress]').value === 100")
    # Once finished the page reloads itself to show the problems table.
    page.locator("main table").last.wait_for()
    page.wait_for_load_state("load")
    assert "keine-adresse" in page.locator("main").inner_text()
    page.screenshot(path="/tmp/e2e-import-done.png")

    jana = Contact.objects.get(email="jana.mueller@example.org")
    assert (jana.first_name, jana.last_name, jana.organisation.name) == ("Jana", "Müller", "Thüringer Allgemeine")
    assert jana.source == "Presseverteiler der Messe 2026"
    assert Contact.objects.filter(email="peter.schaefer@example.org", last_name="Schäfer").exists()
    assert (contact_import.created_count, contact_import.rejected_count) == (2, 1)
