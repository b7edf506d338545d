import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.models import ActivityEvent, Contact, ExportLog
from outreach.services.contacts import contact_object
from outreach.services.exports import cell_neutralise, contacts_export
from tests.outreach.factories import ContactFactory, JournalistFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["=HYPERLINK(\"http://evil\")", "+49 30 1234", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


class CellNeutraliseTests:
    @pytest.mark.parametrize("value", HOSTILE)
    def test_formula_triggers_get_an_apostrophe(self, value):
        assert cell_neutralise(value) == "'" + value

    @pytest.mark.parametrize("value", ["Anna", "anna@example.org", "", "Müller-Lüdenscheidt", "1+1"])
    def test_harmless_values_stay(self, value):
        assert cell_neutralise(value) == value

    def test_none_is_empty(self):
        assert cell_neutralise(None) == ""


class ContactsExportTests:
    def test_csv_neutralises_every_hostile_cell(self, superuser):
        ContactFactory(email="evil@example.org", first_name=HOSTILE[0], last_name=HOSTILE[2], phone=HOSTILE[1],
                       position=HOSTILE[3], source=HOSTILE[4])
        content = contacts_export(queryset=Contact.objects.filter(email="evil@example.org"), file_format="csv",
                                  actor=superuser, description="Test")
        header, row = _csv_rows(content)
        assert header[0] == "E-mail"
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
        assert "'" + HOSTILE[0] in row and "'+49 30 1234" in row

    def test_xlsx_has_no_formula_cells(self, superuser):
        ContactFactory(email="evil@example.org", first_name="=1+2", last_name="@cmd")
        content = contacts_export(queryset=Contact.objects.filter(email="evil@example.org"), file_format="xlsx",
                                  actor=superuser, description="Test")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
        assert "'=1+2" in [cell.value for cell in cells]

    def test_is_logged_with_who_what_when_and_on_each_timeline(self, superuser):
        contacts = [ContactFactory(), ContactFactory()]
        contacts_export(queryset=Contact.objects.filter(pk__in=[c.pk for c in contacts]), file_format="csv",
                        actor=superuser, description="Einladung Erfurt")
        log = ExportLog.objects.get()
        assert (log.exported_by, log.description, log.file_format, log.row_count) == (superuser, "Einladung Erfurt", "csv", 2)
        assert log.exported_at is not None
        assert ActivityEvent.objects.filter(kind=ActivityEvent.Kind.EXPORTED, contact__in=contacts).count() == 2

    def test_suppressed_contacts_are_left_out(self, superuser):
        kept, objecting = ContactFactory(), ContactFactory()
        contact_object(contact=objecting)
        content = contacts_export(queryset=Contact.objects.filter(pk__in=[kept.pk, objecting.pk]), file_format="csv",
                                  actor=superuser, description="Test")
        emails = [row[0] for row in _csv_rows(content)[1:]]
        assert emails == [kept.email]
        assert ExportLog.objects.get().row_count == 1

    def test_queries_do_not_grow_with_the_number_of_contacts(self, superuser):
        def queries_for_export():
            with CaptureQueriesContext(connection) as context:
                content = contacts_export(queryset=Contact.objects.all(), file_format="csv", actor=superuser,
                                          description="Alle")
            assert len(_csv_rows(content)) == Contact.objects.count() + 1
            return len(context.captured_queries)

        JournalistFactory()
        few = queries_for_export()
        for _ in range(5):
            JournalistFactory()
        assert queries_for_export() == few

    def test_unknown_format_is_refused_with_a_reason(self, superuser):
        with pytest.raises(ValueError, match="CSV or XLSX"):
            contacts_export(queryset=Contact.objects.all(), file_format="pdf", actor=superuser, description="x")
        assert not ExportLog.objects.exists()
