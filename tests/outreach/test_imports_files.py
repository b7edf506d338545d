"""Files the import must refuse, and the detection of format, encoding and delimiter."""

import io

import pytest
from django.core.exceptions import ValidationError

from outreach.imports.mapping import guess_mapping
from outreach.imports.sniffing import sniff
from outreach.models import ContactImport
from outreach.services.imports import contact_import_create
from tests.outreach.importfiles import GDPR, PNG_HEADER, csv_bytes, upload, xlsx_file


@pytest.mark.django_db
class ContactImportCreateRefusalTests:
    def refused(self, file) -> str:
        with pytest.raises(ValidationError) as exc_info:
            contact_import_create(file=file, user=None, **GDPR)
        assert not ContactImport.objects.exists()
        return " ".join(exc_info.value.messages)

    def test_an_empty_file(self):
        assert "empty" in self.refused(upload("leer.csv", b""))

    def test_a_file_of_blank_lines(self):
        assert "empty" in self.refused(upload("leer.csv", b"\xef\xbb\xbf\r\n\r\n"))

    def test_a_header_without_rows(self):
        assert "no contacts" in self.refused(upload("kopf.csv", b"E-Mail;Vorname\r\n;\r\n"))

    def test_a_png_renamed_to_csv(self):
        assert "PNG image" in self.refused(upload("kontakte.csv", PNG_HEADER + b"\x00" * 64))

    def test_random_binary_data(self):
        assert "binary" in self.refused(upload("kontakte.csv", b"abc\x00\x01\x02" * 100))

    def test_a_file_over_the_limit(self, settings):
        settings.CONTACT_IMPORT_MAX_BYTES = 1024
        message = self.refused(upload("gross.csv", csv_bytes([["email"]] + [[f"p{n}@example.org"] for n in range(200)])))
        assert "limit is 0" in message or "the limit" in message

    def test_a_broken_xlsx(self):
        assert "Excel file could not be read" in self.refused(upload("kaputt.xlsx", b"PK\x03\x04garbage"))


class SniffTests:
    def test_cp1252_semicolon(self):
        data = csv_bytes([["E-Mail", "Nachname"], ["a@example.org", "Müller"]], delimiter=";", encoding="cp1252")
        kind = sniff(io.BytesIO(data))
        assert (kind.file_format, kind.encoding, kind.delimiter) == ("csv", "cp1252", ";")

    def test_utf8_bom_comma(self):
        data = csv_bytes([["E-Mail", "Nachname"], ["a@example.org", "Müller"]], bom=True)
        assert (sniff(io.BytesIO(data)).encoding, sniff(io.BytesIO(data)).delimiter) == ("utf-8-sig", ",")

    def test_an_umlaut_far_down_the_file_decides_the_encoding(self):
        rows = [["email", "name"]] + [[f"p{n}@example.org", "Meier"] for n in range(5000)] + [["x@example.org", "Jäger"]]
        assert sniff(io.BytesIO(csv_bytes(rows, encoding="cp1252"))).encoding == "cp1252"

    def test_semicolons_inside_quoted_cells_do_not_fool_the_delimiter(self):
        data = b'email,name,notes\r\na@example.org,A,"x; y; z"\r\n'
        assert sniff(io.BytesIO(data)).delimiter == ","

    def test_xlsx(self):
        assert sniff(xlsx_file([["E-Mail"], ["a@example.org"]])).file_format == "xlsx"


class GuessMappingTests:
    def test_german_mailchimp_and_listmonk_headers(self):
        headers = ["E-Mail-Adresse", "Vorname", "Nachname", "Anrede", "Firma", "Telefon", "Sprache",
                   "Email Address", "First Name", "TAGS", "attributes", "Irgendwas"]
        mapping = guess_mapping(headers)
        assert mapping["E-Mail-Adresse"] == "email" and mapping["Email Address"] == ""  # each field once
        assert (mapping["Vorname"], mapping["Anrede"], mapping["Firma"], mapping["Sprache"]) == (
            "first_name", "salutation", "organisation", "language")
        assert (mapping["TAGS"], mapping["attributes"], mapping["Irgendwas"]) == ("tags", "attributes", "")
