"""Rows out of a CSV or XLSX file, one at a time, so a large file never sits in memory whole."""

import csv
import datetime
import io
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from outreach.imports.sniffing import XLSX, FileKind

# Cells longer than this are not contact data; csv's default (128 KiB) would raise mid-file instead.
csv.field_size_limit(1024 * 1024)


@dataclass
class Table:
    headers: list[str]
    # (row number as a spreadsheet shows it: the header is row 1, data start at 2; cells as strings)
    rows: Iterator[tuple[int, list[str]]]


@contextmanager
def open_table(fileobj, kind: FileKind):
    """Yield the Table of an open binary file. Raises ValidationError if there is no header row."""
    fileobj.seek(0)
    if kind.file_format == XLSX:
        with _xlsx_rows(fileobj) as raw_rows:
            yield _table(raw_rows)
    else:
        text = io.TextIOWrapper(fileobj, encoding=kind.encoding, newline="")
        try:
            yield _table(csv.reader(text, delimiter=kind.delimiter or ","))
        finally:
            # Leave the caller's file open: it owns it.
            text.detach()


def _table(raw_rows) -> Table:
    numbered = enumerate(raw_rows, start=1)
    for number, cells in numbered:
        headers = [str(cell).strip().lstrip("\ufeff") for cell in cells]
        if any(headers):
            break
    else:
        raise ValidationError(_("The file is empty."), code="empty")
    headers = _unique(headers)
    width = len(headers)

    def rows():
        for number, cells in numbered:
            cells = [str(cell).strip() for cell in cells[:width]]
            if not any(cells):
                continue
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            yield number, cells

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
def _xlsx_rows(fileobj):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for broken files
        raise ValidationError(
            _("The Excel file could not be read; it may be damaged or not an .xlsx file."), code="format"
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        yield ([_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed as a number: 491701234567, not 491701234567.0
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)
