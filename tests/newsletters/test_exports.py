"""The export of a newsletter's subscribers with their consent fields, through the real admin view."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Subscription
from newsletters.services.proof import RequestFacts, subscription_event_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_subscriber(newsletter):
    """A confirmed subscriber whose name and form URL would run as formulas in a spreadsheet."""
    from outreach import mailable

    contact_id = mailable.contact_for_address(email="formel@example.org", first_name="Formel")
    subscription = Subscription.objects.create(
        newsletter=newsletter, email="formel@example.org", contact_id=contact_id, name='=HYPERLINK("http://x","y")',
        state=Subscription.State.CONFIRMED, signed_up_at=timezone.now(), confirmed_at=timezone.now(), language="de")
    subscription_event_record(subscription=subscription, kind="signed-up",
                              facts=RequestFacts(ip_address="198.51.100.7", form_url="@SUM(1+1)"))
    return subscription


def export(client, newsletter, file_format="csv"):
    return client.get(reverse("newsletters_newsletters:export", args=[newsletter.pk]), {"format": file_format},
                      HTTP_ACCEPT_LANGUAGE="de")


def test_csv_holds_consent_fields_safe_from_formulas_and_is_logged(press_client, press_user, newsletter,
                                                                   hostile_subscriber):
    from outreach.models import ActivityEvent, ExportLog

    Subscription.objects.create(newsletter=newsletter, email="pending@example.org", signed_up_at=timezone.now())
    response = export(press_client, newsletter)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="subscribers-zukunft-der-industrie-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by_address = {row["Adresse"]: row for row in rows}
    assert "pending@example.org" not in by_address  # a pending sign-up is nobody's data to hand out
    assert {"lena.hoffmann@example.org", "jonas.weber@example.org", "emma.clarke@example.org"} <= set(by_address)
    lena = by_address["lena.hoffmann@example.org"]
    assert lena["Version des Einwilligungstexts"] == "v1 (de)" and lena["Version des Datenschutzhinweises"] == "v1 (de)"
    assert lena["Quelle / Formular-URL"] == "https://example.org/newsletter" and lena["Status"] == "Bestätigt"
    assert lena["Themen"] and lena["Angemeldet"] and lena["Bestätigt"]
    hostile = by_address["formel@example.org"]
    assert hostile["Name"] == "'=HYPERLINK(\"http://x\",\"y\")" and hostile["Quelle / Formular-URL"] == "'@SUM(1+1)"
    log = ExportLog.objects.latest("exported_at")
    assert log.exported_by == press_user and log.row_count == len(rows) and log.file_format == "csv"
    assert ActivityEvent.objects.filter(contact_id=hostile_subscriber.contact_id,
                                        kind=ActivityEvent.Kind.EXPORTED).exists()


def test_suppressed_addresses_are_left_out_and_xlsx_works(press_client, newsletter, hostile_subscriber):
    from openpyxl import load_workbook

    from outreach.models import SuppressionEntry
    from outreach.services.contacts import email_suppress

    email_suppress(email="jonas.weber@example.org", reason=SuppressionEntry.Reason.OBJECTION, note="Widerspruch")
    response = export(press_client, newsletter, "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    addresses = [row[0] for row in values[1:]]
    assert "jonas.weber@example.org" not in addresses and "lena.hoffmann@example.org" in addresses
    assert all(not str(cell or "").startswith(("=", "@", "+", "-")) for row in values for cell in row)


def test_an_unknown_format_is_refused_and_nothing_logged(press_client, newsletter):
    from outreach.models import ExportLog

    before = ExportLog.objects.count()
    assert export(press_client, newsletter, "pdf").status_code == 400
    assert ExportLog.objects.count() == before
