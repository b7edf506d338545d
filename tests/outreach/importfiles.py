"""Contact files as real tools write them, built in the tests rather than checked in as binaries."""

import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def csv_bytes(rows, *, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = text.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def excel_german_cp1252() -> SimpleUploadedFile:
    """Excel (German) "CSV (Trennzeichen-getrennt)": semicolons, Windows-1252, umlauts."""
    rows = [
        ["Anrede", "Titel", "Vorname", "Nachname", "E-Mail", "Firma", "Position", "Telefon", "Sprache"],
        ["Frau", "Dr.", "Jürgen-Änne", "Müller-Lüdenscheidt", "Anne.Mueller@Example.ORG", "Rheinische Post",
         "Redakteurin", "+49 211 505", "Deutsch"],
        ["Herr", "", "Björn", "Weiß", "bjoern.weiss@example.org", "Südwest Presse", "Ressortleiter", "", "de"],
        ["Herr", "", "Kein", "Adresse", "kein-at-zeichen.example.org", "Südwest Presse", "", "", "de"],
    ]
    return upload("kontakte.csv", csv_bytes(rows, delimiter=";", encoding="cp1252"))


def excel_utf8_bom() -> SimpleUploadedFile:
    rows = [
        ["E-Mail-Adresse", "Vorname", "Nachname", "Organisation"],
        ["greta.groß@example.org", "Greta", "Groß", "Thüringer Allgemeine"],
        ["oskar@example.org", "Oskar", "Öztürk", "thüringer allgemeine"],
    ]
    return upload("utf8.csv", csv_bytes(rows, delimiter=";", bom=True))


def mailchimp_export() -> SimpleUploadedFile:
    rows = [
        ["Email Address", "First Name", "Last Name", "Address", "Phone Number", "MEMBER_RATING", "OPTIN_TIME",
         "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LATITUDE", "LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE", "CC",
         "REGION", "LAST_CHANGED", "LEID", "EUID", "NOTES", "TAGS"],
        ["mc.one@example.org", "Mia", "Chimp", "", "0170 1", "2", "2024-01-01 10:00:00", "", "", "", "", "", "", "",
         "", "DE", "", "2024-01-02 10:00:00", "1", "a1", "", '"Presse","Industrie 4.0"'],
        ["mc.two@example.org", "Max", "Chimp", "", "", "2", "", "", "", "", "", "", "", "", "", "", "", "", "2",
         "a2", "", ""],
    ]
    return upload("members_export_subscribed.csv", csv_bytes(rows))


def listmonk_export() -> SimpleUploadedFile:
    rows = [
        ["uuid", "email", "name", "attributes", "status", "created_at", "updated_at"],
        ["5e0b", "lm.one@example.org", "Lena Monk", json.dumps({"company": "Neue Presse", "language": "en"}),
         "enabled", "2024-01-01", "2024-01-01"],
        ["5e0c", "lm.two@example.org", "Lars von Monk", json.dumps({"city": "Jena"}), "blocklisted", "", ""],
    ]
    return upload("subscribers.csv", csv_bytes(rows))


def xlsx_file(rows, name="kontakte.xlsx") -> SimpleUploadedFile:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return upload(name, buffer.getvalue())


# What the upload asks besides the file (there is no default legal basis): a documented legitimate interest
# for a list from a public source.
GDPR = {"legal_basis": "legitimate-interest", "legal_basis_note": "Fachpresse", "data_origin": "public"}
