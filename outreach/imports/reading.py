"""Rows out of a CSV or XLSX file, one at a time, so a large file never sits in memory whole.

Limits (ImportLimits, from settings) keep a hostile or broken file small: the header
may have so many columns (each becomes a select in the mapping form, which must stay
below DATA_UPLOAD_MAX_NUMBER_FIELDS), a cell so many characters, the file so many
rows. Each is refused with a ValidationError (codes in LIMIT_CODES) while reading,
at the cost of one comparison per row: no extra pass over the file.
"""

import csv
import datetime
import io
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from outreach.imports.sniffing import XLSX, FileKind

DEFAULT_MAX_COLUMNS = 200
DEFAULT_MAX_CELL_CHARS = 64 * 1024
DEFAULT_MAX_ROWS = 1_000_000
# Room in the mapping form's POST for the CSRF token and the button, beside one field per column.
_FORM_FIELDS_BESIDES_COLUMNS = 10
LIMIT_CODES = frozenset({"too_many_columns", "cell_too_long", "too_many_rows", "unreadable_row"})


@dataclass(frozen=True)
class ImportLimits:
    columns: int
    cell_chars: int
    rows: int


def import_limits() -> ImportLimits:
    columns = getattr(settings, "CONTACT_IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)
    form_fields = getattr(settings, "DATA_UPLOAD_MAX_NUMBER_FIELDS", None)
    if form_fields is not None:
        # More columns than the mapping form can post could never be mapped.
        columns = min(columns, form_fields - _FORM_FIELDS_BESIDES_COLUMNS)
    return ImportLimits(
        columns=columns,
        cell_chars=getattr(settings, "CONTACT_IMPORT_MAX_CELL_CHARS", DEFAULT_MAX_CELL_CHARS),
        rows=getattr(settings, "CONTACT_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS),
    )


@dataclass
class Table:
    headers: list[str]
    # (row number as a spreadsheet shows it: the header is row 1, data start at 2; cells as strings)
    rows: Iterator[tuple[int, list[str]]]


@contextmanager
def open_table(fileobj, kind: FileKind, limits: ImportLimits | None = None):
    """Yield the Table of an open binary file. Raises ValidationError if there is no header row, or, also
    while its rows are read, if the file goes past a limit (code in LIMIT_CODES)."""
    limits = limits or import_limits()
    fileobj.seek(0)
    if kind.file_format == XLSX:
        with _xlsx_rows(fileobj, limits) as raw_rows:
            yield _table(raw_rows, limits)
    else:
        # Process-wide, but every reader of import files sets it first. csv enforces it in C, per cell.
        csv.field_size_limit(limits.cell_chars)
        text = io.TextIOWrapper(fileobj, encoding=kind.encoding, newline="")
        try:
            yield _table(csv.reader(text, delimiter=kind.delimiter or ","), limits)
        finally:
            # Leave the caller's file open: it owns it.
            text.detach()


def _unreadable(number: int, exc: csv.Error, limits: ImportLimits) -> ValidationError:
    if "field larger than field limit" in str(exc):
        return _cell_too_long(number, limits)
    return ValidationError(_("Row %(row)s of the file cannot be read as CSV.") % {"row": number},
                           code="unreadable_row")


def _cell_too_long(number: int, limits: ImportLimits) -> ValidationError:
    return ValidationError(_("Row %(row)s has a cell longer than %(limit)s characters; that is not contact data.")
                           % {"row": number, "limit": limits.cell_chars}, code="cell_too_long")


def _table(raw_rows, limits: ImportLimits) -> Table:
    numbered = enumerate(raw_rows, start=1)
    number = 0
    try:
        for number, cells in numbered:
            headers = [str(cell).strip().lstrip("\ufeff") for cell in cells]
            if any(headers):
                break
        else:
            raise ValidationError(_("The file is empty."), code="empty")
    except csv.Error as exc:
        raise _unreadable(number + 1, exc, limits) from exc
    # Empty cells right of the last named column are a spreadsheet's margin, not columns.
    while not headers[-1]:
        headers.pop()
    if len(headers) > limits.columns:
        raise ValidationError(
            _("The file has %(count)s columns; at most %(limit)s can be imported. "
              "Please remove the columns you do not need.") % {"count": len(headers), "limit": limits.columns},
            code="too_many_columns",
        )
    headers = _unique(headers)
    width = len(headers)
    last_row = number + limits.rows

    def rows():
        number = last_row - limits.rows
        try:
            for number, cells in numbered:
                if number > last_row:
                    raise ValidationError(_("The file has more than %(limit)s rows; please split it.")
                                          % {"limit": limits.rows}, code="too_many_rows")
                # Both readers give text (csv.reader, and _xlsx_checked through _cell_text): no str() per cell.
                cells = [cell.strip() for cell in cells[:width]]
                if not any(cells):
                    continue
                if len(cells) < width:
                    cells += [""] * (width - len(cells))
                yield number, cells
        except csv.Error as exc:
            raise _unreadable(number + 1, exc, limits) from exc

    return Table(headers=headers, rows=rows())


def _unique(headers: list[str]) -> list[str]:
    """Header names key the column mapping, so two columns called "E-Mail" become "E-Mail" and "E-Mail (2)"."""
    seen: dict[str, int] = {}
    result = []
    for index, header in enumerate(headers, start=1):
        header = header or _("Column %(number)s") % {"number": index}
        seen[header] = seen.get(header, 0) + 1
        result.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return result


@contextmanager
def _xlsx_rows(fileobj, limits: ImportLimits):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for broken files
        raise ValidationError(
            _("The Excel file could not be read; it may be damaged or not an .xlsx file."), code="format"
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        yield _xlsx_checked(sheet.iter_rows(values_only=True), limits)
    finally:
        workbook.close()


def _xlsx_checked(rows, limits: ImportLimits):
    # Excel itself stops at 32,767 characters a cell, but a file can be written by anything.
    for number, row in enumerate(rows, start=1):
        cells = [_cell_text(value) for value in row]
        if cells and max(map(len, cells)) > limits.cell_chars:
            raise _cell_too_long(number, limits)
        yield cells


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed as a number: 491701234567, not 491701234567.0
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)
