"""What kind of file was uploaded: XLSX or CSV, and for CSV its encoding and delimiter.

The tools we meet write only a few encodings: Excel's "CSV (Trennzeichen-
getrennt)" writes cp1252, its "CSV UTF-8" writes UTF-8 with a BOM, Mailchimp
and listmonk write plain UTF-8, Excel's "Unicode text" writes UTF-16. So the
encoding is decided exactly (BOM, then "is every byte valid UTF-8?", then
cp1252) instead of statistically (charset-normalizer and friends can guess a
short German file wrong, and a wrong guess silently garbles umlauts).
"""

import codecs
import csv
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
DELIMITERS = ";,\t|"

XLSX = "xlsx"
CSV = "csv"

# Signatures of files people upload by mistake, so the refusal can say what the file is.
KNOWN_BINARIES = (
    (b"\x89PNG\r\n\x1a\n", gettext_lazy("PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("JPEG image")),
    (b"GIF8", gettext_lazy("GIF image")),
    (b"%PDF", gettext_lazy("PDF document")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("old Excel (.xls) or Word file")),
    (b"\x1f\x8b", gettext_lazy("gzip archive")),
)


@dataclass(frozen=True)
class FileKind:
    file_format: str
    encoding: str = ""
    delimiter: str = ""


def sniff(fileobj) -> FileKind:
    """Look at an open binary file and say how to read it, or raise ValidationError saying why not.

    Reads the whole file once for CSV (to be sure of the encoding) in chunks,
    so memory stays small; leaves the file at position 0.
    """
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ValidationError(_("The file is empty."), code="empty")
    if head.startswith(b"PK\x03\x04"):
        return FileKind(XLSX)
    for signature, label in KNOWN_BINARIES:
        if head.startswith(signature):
            raise ValidationError(
                _("This is not a CSV or Excel (.xlsx) file; it looks like a %(kind)s. "
                  "Please save the contacts as CSV or XLSX.") % {"kind": label},
                code="format",
            )
    encoding = _detect_encoding(fileobj, head)
    fileobj.seek(0)
    text_head = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    if "\x00" in text_head:
        raise ValidationError(_("This is not a CSV or Excel (.xlsx) file: it contains binary data."), code="format")
    return FileKind(CSV, encoding=encoding, delimiter=_detect_delimiter(text_head))


def _detect_encoding(fileobj, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise ValidationError(_("This is not a CSV or Excel (.xlsx) file: it contains binary data."), code="format")
    # The whole file, not only the head: an "ä" in row 50,000 decides as much as one in row 2.
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fileobj.read(CHUNK_BYTES):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    fileobj.seek(0)
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        while chunk := fileobj.read(CHUNK_BYTES):
            decoder.decode(chunk)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The file's characters could not be read (neither UTF-8 nor Windows-1252). "
              "Please save it as \"CSV UTF-8\"."),
            code="encoding",
        ) from exc
    return "cp1252"


def _detect_delimiter(text: str) -> str:
    """The header line decides when only one candidate appears in it (headers seldom quote a delimiter);
    otherwise csv.Sniffer looks at the first lines, and the most frequent candidate is the fallback."""
    lines = text.splitlines()
    header = lines[0] if lines else ""
    present = [d for d in DELIMITERS if d in header]
    if len(present) == 1:
        return present[0]
    if not present:
        return ","  # one column: any delimiter reads it
    sample = "\n".join(lines[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return max(present, key=header.count)
