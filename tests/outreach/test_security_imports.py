"""Limits on contact import files (issue #9, finding 13): columns, cell size and rows, each refused at upload
with a message on the upload form (no 500, no bare 400), through the real admin views and the services."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from outreach.models import Contact, ContactImport
from outreach.services import imports
from outreach.services.imports import contact_import_create
from tests.outreach.importfiles import GDPR, csv_bytes, upload, xlsx_file
from tests.outreach.test_imports_admin import upload_data, url, viewset  # noqa: F401

pytestmark = pytest.mark.django_db


def wide_csv(columns: int) -> bytes:
    header = ["E-Mail"] + [f"Spalte {n}" for n in range(1, columns)]
    return csv_bytes([header, ["a@example.org"] + [""] * (columns - 1)])


def long_cell_csv(*, row: int, size: int) -> bytes:
    rows = [["E-Mail", "Notiz"]] + [[f"p{n}@example.org", "kurz"] for n in range(2, 12)]
    rows[row - 1][1] = "x" * size
    return csv_bytes(rows)


def many_rows_csv(count: int) -> bytes:
    return csv_bytes([["E-Mail"]] + [[f"p{n}@example.org"] for n in range(count)])


def refused_upload(admin_client, viewset, file) -> str:  # noqa: F811
    response = admin_client.post(url(viewset, "add"), upload_data(file))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert 'name="file"' in content  # the upload form again, with the message at the file field
    assert not ContactImport.objects.exists() and not Contact.objects.exists()
    return content


class ImportLimitAdminTests:
    def test_a_million_columns_are_refused_at_upload(self, admin_client, viewset):  # noqa: F811
        header = b"E-Mail," + b",".join([b"x"] * 999_999)
        content = refused_upload(admin_client, viewset, upload("breit.csv", header + b"\r\na@example.org\r\n"))
        assert "1000000 columns" in content and "at most 200" in content

    def test_more_columns_than_the_limit_are_refused_but_the_limit_itself_is_mapped(self, admin_client,
                                                                                   viewset):  # noqa: F811
        content = refused_upload(admin_client, viewset, upload("breit.csv", wide_csv(201)))
        assert "201 columns" in content

        response = admin_client.post(url(viewset, "add"), upload_data(upload("breit.csv", wide_csv(200))))
        contact_import = ContactImport.objects.get()
        assert response.status_code == 302 and len(contact_import.headers) == 200
        # The mapping form of 200 columns stays below DATA_UPLOAD_MAX_NUMBER_FIELDS: it can be posted.
        form = {f"column_{i}": contact_import.column_mapping[h] for i, h in enumerate(contact_import.headers)}
        response = admin_client.post(url(viewset, "preview", contact_import.pk), {**form, "action": "preview"})
        assert response.status_code == 302

    @pytest.mark.parametrize("row", [2, 11])  # read at upload (the first row) and only by the preview
    def test_a_cell_over_a_mebibyte_is_refused_at_upload(self, admin_client, viewset, row):  # noqa: F811
        content = refused_upload(admin_client, viewset, upload("lang.csv", long_cell_csv(row=row, size=1_100_000)))
        assert f"Row {row}" in content and "65536 characters" in content

    def test_a_cell_over_the_limit_is_refused(self, admin_client, viewset, settings):  # noqa: F811
        settings.CONTACT_IMPORT_MAX_CELL_CHARS = 1000
        content = refused_upload(admin_client, viewset, upload("lang.csv", long_cell_csv(row=5, size=1001)))
        assert "Row 5" in content and "1000 characters" in content

    def test_more_rows_than_the_limit_are_refused_at_upload(self, admin_client, viewset, settings):  # noqa: F811
        settings.CONTACT_IMPORT_MAX_ROWS = 50
        content = refused_upload(admin_client, viewset, upload("lang.csv", many_rows_csv(51)))
        assert "more than 50 rows" in content

        response = admin_client.post(url(viewset, "add"), upload_data(upload("genau.csv", many_rows_csv(50))))
        assert response.status_code == 302 and ContactImport.objects.get().total_rows == 50

    def test_xlsx_with_too_many_columns_or_rows_or_too_long_cells(self, admin_client, viewset,
                                                                   settings):  # noqa: F811
        settings.CONTACT_IMPORT_MAX_COLUMNS = 20
        settings.CONTACT_IMPORT_MAX_ROWS = 30
        settings.CONTACT_IMPORT_MAX_CELL_CHARS = 100
        header = ["E-Mail"] + [f"Spalte {n}" for n in range(1, 21)]
        content = refused_upload(admin_client, viewset, xlsx_file([header, ["a@example.org"]]))
        assert "21 columns" in content

        rows = [["E-Mail", "Name"]] + [[f"p{n}@example.org", "Name"] for n in range(31)]
        assert "more than 30 rows" in refused_upload(admin_client, viewset, xlsx_file(rows))

        rows = [["E-Mail", "Name"], ["a@example.org", "Name"], ["b@example.org", "y" * 101]]
        assert "Row 3" in refused_upload(admin_client, viewset, xlsx_file(rows))

    def test_empty_trailing_header_cells_do_not_count_as_columns(self, admin_client, viewset,
                                                                 settings):  # noqa: F811
        # Spreadsheets often carry empty columns to the right of the data.
        settings.CONTACT_IMPORT_MAX_COLUMNS = 5
        file = upload("rechts.csv", csv_bytes([["E-Mail", "Name"] + [""] * 30, ["a@example.org", "A"] + [""] * 30]))
        response = admin_client.post(url(viewset, "add"), upload_data(file))
        assert response.status_code == 302 and ContactImport.objects.get().headers == ["E-Mail", "Name"]


class ImportLimitServiceTests:
    def test_create_refuses_too_many_columns_with_a_german_message(self):
        with translation.override("de"), pytest.raises(ValidationError) as exc_info:
            contact_import_create(file=upload("breit.csv", wide_csv(500)), user=None, **GDPR)
        assert exc_info.value.code == "too_many_columns"
        assert "500 Spalten" in exc_info.value.messages[0] and "höchstens 200" in exc_info.value.messages[0]
        assert not ContactImport.objects.exists()

    def test_upload_refuses_a_long_cell_deep_in_the_file_and_keeps_nothing(self, settings):
        with translation.override("de"), pytest.raises(ValidationError) as exc_info:
            imports.contact_import_upload(file=upload("lang.csv", long_cell_csv(row=9, size=70_000)), user=None, **GDPR)
        assert exc_info.value.code == "cell_too_long"
        assert "Zeile 9" in exc_info.value.messages[0]
        assert not ContactImport.objects.exists()

    def test_upload_refuses_too_many_rows_with_a_german_message(self, settings):
        settings.CONTACT_IMPORT_MAX_ROWS = 10
        with translation.override("de"), pytest.raises(ValidationError) as exc_info:
            imports.contact_import_upload(file=upload("viele.csv", many_rows_csv(11)), user=None, **GDPR)
        assert exc_info.value.code == "too_many_rows" and "mehr als 10 Zeilen" in exc_info.value.messages[0]
        assert not ContactImport.objects.exists()

    def test_upload_of_a_good_file_previews_it(self):
        contact_import, warnings = imports.contact_import_upload(file=upload("gut.csv", many_rows_csv(3)), user=None, **GDPR)
        assert contact_import.status == ContactImport.Status.PREVIEWED and contact_import.total_rows == 3
        assert warnings == []
