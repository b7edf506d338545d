"""Contacts leaving the system as a spreadsheet: safe to open, and always on record."""

from dataclasses import dataclass
from typing import Callable

import tablib
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from outreach.models import ActivityEvent, Contact, ExportLog
from outreach.segments import not_suppressed
from outreach.services.activity import activity_record_many

FORMATS = ("csv", "xlsx")

# A spreadsheet program runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); tab and carriage return let a cell start a new
# field or line in some importers. A leading apostrophe makes the cell text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def cell_neutralise(value) -> str:
    """The value as text that no spreadsheet program will evaluate."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Contact], object]


def _journalist(contact: Contact):
    return getattr(contact, "journalist", None)


def _date(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def export_columns() -> list[Column]:
    """Built per call so the headings follow the active language."""
    return [
        Column(_("E-mail"), lambda c: c.email),
        Column(_("Salutation"), lambda c: c.get_salutation_display() if c.salutation else ""),
        Column(_("Title"), lambda c: c.academic_title),
        Column(_("First name"), lambda c: c.first_name),
        Column(_("Last name"), lambda c: c.last_name),
        Column(_("Organisation"), lambda c: c.organisation.name if c.organisation else ""),
        Column(_("Position"), lambda c: c.position),
        Column(_("Phone"), lambda c: c.phone),
        Column(_("Mobile"), lambda c: c.mobile),
        Column(_("Language"), lambda c: c.language),
        Column(_("Tags"), lambda c: ", ".join(sorted(tag.name for tag in c.tags.all()))),
        Column(_("Outlet"), lambda c: (_journalist(c).outlet.name if _journalist(c) and _journalist(c).outlet else "")),
        Column(_("Media type"), lambda c: _journalist(c).get_media_type_display() if _journalist(c) else ""),
        Column(_("Beats"), lambda c: ", ".join(t.name for t in _journalist(c).beats.all()) if _journalist(c) else ""),
        Column(_("Regions"), lambda c: ", ".join(r.title for r in _journalist(c).regions.all()) if _journalist(c) else ""),
        Column(_("Legal basis"), lambda c: c.get_legal_basis_display()),
        Column(_("Source"), lambda c: c.source),
        Column(_("Bounce state"), lambda c: c.get_bounce_state_display()),
        Column(_("Last contacted"), lambda c: _date(c.last_contacted_at)),
    ]


def export_queryset(queryset: QuerySet) -> QuerySet:
    """What is exported of a selection: never suppressed people, relations loaded up front."""
    return (
        queryset.filter(not_suppressed())
        .select_related("organisation", "journalist__outlet")
        .prefetch_related("tags", "journalist__beats", "journalist__regions")
        .order_by("last_name", "first_name", "email")
    )


@transaction.atomic
def contacts_export(*, queryset: QuerySet, file_format: str, actor, description: str) -> bytes:
    """The contacts as CSV (UTF-8 with BOM, semicolons: what German Excel opens) or XLSX.

    Contacts on the suppression list are left out: an export is how addresses
    reach other mail tools, and an objection must hold there too. Every cell
    is neutralised against formula injection. Each call writes one ExportLog
    row and puts an 'exported' event on every exported contact's timeline, so
    that an Art. 15 request can name when the person's data was handed out.
    Not idempotent: two calls are two exports, logged twice.
    """
    columns = export_columns()
    contacts = list(export_queryset(queryset)) if file_format in FORMATS else []
    return rows_export(
        headings=[column.heading for column in columns],
        rows=[[column.value(contact) for column in columns] for contact in contacts],
        contact_ids=[contact.pk for contact in contacts], file_format=file_format, actor=actor,
        description=description, title=_("Contacts"),
    )


@transaction.atomic
def rows_export(*, headings: list[str], rows: list[list], contact_ids: list[int], file_format: str, actor,
                description: str, title: str) -> bytes:
    """Any table about people as CSV (UTF-8 with BOM, semicolons) or XLSX, on record like a contact export.

    Every cell is neutralised against formula injection; one ExportLog row is written and every contact in
    contact_ids gets an 'exported' event on their timeline. Which rows and columns may leave is the
    caller's choice (contacts_export leaves suppressed people out). Raises ValueError for another format.
    Not idempotent: two calls are two exports, logged twice.
    """
    if file_format not in FORMATS:
        raise ValueError(_("Unknown export format %(format)r: choose CSV or XLSX.") % {"format": file_format})
    dataset = tablib.Dataset(headers=[cell_neutralise(heading) for heading in headings], title=str(title)[:31])
    for row in rows:
        dataset.append([cell_neutralise(cell) for cell in row])

    if file_format == "csv":
        content = dataset.export("csv", delimiter=";").encode("utf-8-sig")
    else:
        content = dataset.export("xlsx")

    ExportLog.objects.create(
        exported_by=actor, description=description[:500], file_format=file_format, row_count=len(rows)
    )
    activity_record_many(contact_ids=list(dict.fromkeys(contact_ids)), kind=ActivityEvent.Kind.EXPORTED,
                         actor=actor, summary=description)
    return content
