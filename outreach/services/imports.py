"""Contact imports: upload, preview (no writes to contacts), then a run in batches by a Celery task.

Each batch of rows is applied in one transaction together with the import
row's counters and resume_row, so a batch is either applied whole and
recorded, or not at all; a retried task resumes after the last committed
batch and never applies one twice. A bad row is rejected with its reason and
never takes its neighbours down with it.
"""

import itertools
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.imports.applying import ProblemTally, apply_batch
from outreach.imports.mapping import FIELDS, JOURNALIST, PROTAGONIST, guess_mapping, split_tags
from outreach.imports.planning import EFFECTS, REJECTED, UPDATED, Planner
from outreach.imports.reading import LIMIT_CODES, open_table
from outreach.imports.sniffing import FileKind, sniff
from outreach.mailable import import_target_choices
from outreach.models import (
    Contact,
    ContactImport,
    ContactList,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 10_000  # rows per transaction (all or nothing, see imports.applying); 2,000 and 5,000 were measurably slower
SAMPLE_SIZE = 20
PROFILE_KINDS = ("", JOURNALIST, PROTAGONIST)
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    return getattr(settings, "CONTACT_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def contact_import_gdpr_check(
    *, legal_basis: str, data_origin: str, legal_basis_note: str = "", consent_source: str = "",
    consent_given_on=None, consent_reference: str = "", consent_document=None,
) -> None:
    """There is no default legal basis: the officer picks one, and says where the data came from. Consent
    needs its proof: how it was given, when, and a document or a reference to one. Raises ValidationError
    with a message per field (a dict), which the upload form shows next to each."""
    errors = {}
    if legal_basis not in Contact.LegalBasis.values:
        errors["legal_basis"] = _("Choose the legal basis on which these contacts are kept.")
    if data_origin not in Contact.DataOrigin.values:
        errors["data_origin"] = _("Say where the addresses come from: it decides whether the Art. 14 notice is due.")
    if legal_basis == Contact.LegalBasis.CONSENT:
        if not consent_source.strip():
            errors["consent_source"] = _("For consent, say how it was given (e.g. the sign-up form at the fair).")
        if not consent_given_on:
            errors["consent_given_on"] = _("For consent, give the date it was given.")
        if not (consent_reference.strip() or consent_document):
            errors["consent_reference"] = _("For consent, upload the proof or name where it is kept.")
    elif legal_basis == Contact.LegalBasis.LEGITIMATE_INTEREST and not legal_basis_note.strip():
        errors["legal_basis_note"] = _("For legitimate interest, document the reason.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contact_import_create(
    *, file, user, target_list: ContactList | None = None, legal_basis: str = "", legal_basis_note: str = "",
    source: str = "", tags: str = "", create_organisations: bool = True, data_origin: str = "",
    consent_source: str = "", consent_given_on=None, consent_reference: str = "", consent_document=None,
    profile_kind: str = "", import_target: str = "",
) -> ContactImport:
    """Store an uploaded file after checking it can be read; guess the column mapping from its headers.

    Raises ValidationError (a message for the person who uploaded) for a file
    that is too large, empty, not CSV/XLSX, or has no e-mail column, or when the
    legal basis, the origin of the data or the proof of consent is missing
    (contact_import_gdpr_check). Writes no contacts.
    """
    contact_import_gdpr_check(legal_basis=legal_basis, data_origin=data_origin, legal_basis_note=legal_basis_note,
                              consent_source=consent_source, consent_given_on=consent_given_on,
                              consent_reference=consent_reference, consent_document=consent_document)
    if profile_kind not in PROFILE_KINDS:
        raise ValidationError(_("Unknown profile kind %(kind)r.") % {"kind": profile_kind})
    if import_target and import_target not in dict(import_target_choices()):
        raise ValidationError({"import_target": _("The contacts cannot be attached to this (any more).")})
    limit = max_bytes()
    if file.size is not None and file.size > limit:
        raise ValidationError(_("The file is %(size)s MB; the limit is %(limit)s MB.")
                              % {"size": _megabytes(file.size), "limit": _megabytes(limit)}, code="too_large")
    if not file.size:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = sniff(file)
    with open_table(file, kind) as table:
        headers = table.headers
        if next(table.rows, None) is None:
            raise ValidationError(_("The file has a header row but no contacts below it."), code="empty")
    mapping = guess_mapping(headers)
    contact_import = ContactImport(
        original_filename=getattr(file, "name", "")[:255], file_format=kind.file_format, encoding=kind.encoding,
        delimiter=kind.delimiter, headers=headers, column_mapping=mapping, target_list=target_list,
        legal_basis=legal_basis, legal_basis_note=legal_basis_note, source=source, tags=tags,
        create_organisations=create_organisations, created_by=user, data_origin=data_origin,
        consent_source=consent_source if legal_basis == Contact.LegalBasis.CONSENT else "",
        consent_given_on=consent_given_on if legal_basis == Contact.LegalBasis.CONSENT else None,
        consent_reference=consent_reference if legal_basis == Contact.LegalBasis.CONSENT else "",
        profile_kind=profile_kind, import_target=import_target,
    )
    file.seek(0)
    contact_import.file.save(contact_import.original_filename or "contacts", file, save=False)
    if consent_document and legal_basis == Contact.LegalBasis.CONSENT:
        # The proof is kept (private storage) after the run deletes the contact file itself.
        contact_import.consent_document.save(getattr(consent_document, "name", "") or "consent", consent_document,
                                             save=False)
    contact_import.save()
    return contact_import


def contact_import_upload(*, file, user, **options) -> tuple[ContactImport, list[str]]:
    """What the upload form does: contact_import_create, then the first preview, which reads the whole file.

    Returns the import and the preview's complaints about the guessed mapping (no e-mail column, ...), which
    the person fixes on the preview page. Raises ValidationError, keeping nothing, for a file
    contact_import_create refuses or that goes past a limit further down (too many rows, a cell too long):
    those only show once every row has been read, and the preview is the read that costs nothing extra.
    """
    contact_import = contact_import_create(file=file, user=user, **options)
    try:
        contact_import_preview(contact_import=contact_import)
    except ValidationError as exc:
        if getattr(exc, "code", None) not in LIMIT_CODES:
            return contact_import, list(exc.messages)
        contact_import_discard(contact_import=contact_import)
        raise
    return contact_import, []


def contact_import_discard(*, contact_import: ContactImport) -> None:
    """Delete an import that never started, and its stored file."""
    if contact_import.file:
        _delete_file(contact_import)
    contact_import.delete()


def contact_import_preview(*, contact_import: ContactImport, column_mapping: dict | None = None,
                           profile_kind: str | None = None) -> dict:
    """Read the whole file and work out every row's effect; store counts, problems and a sample on the import.

    Writes only the import row. Raises ValidationError if the mapping has no
    e-mail column or uses a field twice, or if the import has already started.
    """
    if contact_import.status not in (ContactImport.Status.UPLOADED, ContactImport.Status.PREVIEWED):
        raise ValidationError(_("This import has been started already; its preview can no longer change."))
    if column_mapping is not None:
        contact_import.column_mapping = column_mapping_clean(headers=contact_import.headers, mapping=column_mapping)
    if profile_kind is not None:
        if profile_kind not in PROFILE_KINDS:
            raise ValidationError(_("Unknown profile kind %(kind)r.") % {"kind": profile_kind})
        contact_import.profile_kind = profile_kind
    column_mapping_clean(headers=contact_import.headers, mapping=contact_import.column_mapping)
    counts = dict.fromkeys(EFFECTS, 0)
    tally = ProblemTally()
    sample = []
    total = 0
    with _opened(contact_import) as table:
        planner = _planner(contact_import, table.headers)
        for batch in _batches(table.rows):
            plan = planner.plan(batch)
            total += len(batch)
            for row_plan in plan.rows:
                counts[row_plan.effect] += 1
                tally.add(row_plan)
                if len(sample) < SAMPLE_SIZE and row_plan.effect != REJECTED:
                    sample.append({"row": row_plan.row.row_number, "email": row_plan.email, "effect": row_plan.effect,
                                   "fields": sorted(row_plan.changed_fields) if row_plan.effect == UPDATED else []})
    contact_import.preview = {"counts": counts, "problem_counts": tally.counts, "problems": tally.problems,
                              "warnings": tally.warnings, "warning_counts": tally.warning_counts, "sample": sample,
                              "notes": _mapping_notes(contact_import)}
    contact_import.total_rows = total
    contact_import.status = ContactImport.Status.PREVIEWED
    contact_import.save(update_fields=["column_mapping", "profile_kind", "preview", "total_rows", "status"])
    return contact_import.preview


def _mapping_notes(contact_import: ContactImport) -> list[str]:
    """What the preview says about the mapping as a whole: profile columns that need a profile to land."""
    if contact_import.profile_kind:
        return []
    unused = [header for header, name in contact_import.column_mapping.items() if name in ("beats", "regions")]
    if not unused:
        return []
    return [_("The columns %(columns)s fill the journalist or protagonist profile: choose above which profile the "
              "imported contacts get, or they are left out.") % {"columns": ", ".join(unused)}]


def column_mapping_clean(*, headers: list[str], mapping: dict) -> dict:
    """The mapping restricted to the file's headers; ValidationError without an e-mail column or with a field twice."""
    cleaned = {header: mapping.get(header, "") if mapping.get(header, "") in FIELDS else "" for header in headers}
    used = [name for name in cleaned.values() if name]
    if "email" not in used:
        raise ValidationError(_("Choose the column that holds the e-mail address."), code="no_email")
    twice = sorted({name for name in used if used.count(name) > 1})
    if twice:
        raise ValidationError(_("Each field can come from one column only: %(fields)s.")
                              % {"fields": ", ".join(str(FIELDS[name]) for name in twice)}, code="twice")
    return cleaned


def contact_import_start(*, contact_import: ContactImport, user) -> ContactImport:
    """Queue the run of a previewed import, once the transaction commits. Calling it again queues nothing."""
    from outreach.tasks import contact_import_run_task

    with transaction.atomic():
        claimed = ContactImport.objects.filter(
            pk=contact_import.pk, status=ContactImport.Status.PREVIEWED
        ).update(status=ContactImport.Status.QUEUED)
        if claimed:
            transaction.on_commit(lambda: contact_import_run_task.delay(contact_import.pk))
    contact_import.refresh_from_db()
    return contact_import


def contact_import_run(*, import_id: int) -> ContactImport:
    """Apply the import in batches from where the last committed batch ended. Safe to call again at any time:
    a finished import is left alone and a batch already committed is skipped.
    """
    contact_import = ContactImport.objects.get(pk=import_id)
    if contact_import.status in (ContactImport.Status.DONE, ContactImport.Status.UPLOADED):
        return contact_import
    ContactImport.objects.filter(pk=import_id, started_at__isnull=True).update(started_at=timezone.now())
    ContactImport.objects.filter(pk=import_id).update(status=ContactImport.Status.RUNNING, error="")
    contact_import.refresh_from_db()
    with _opened(contact_import) as table:
        planner = _planner(contact_import, table.headers)
        rows = table.rows
        planner.skip(itertools.islice(rows, contact_import.resume_row))
        offset = contact_import.resume_row
        for batch in _batches(rows):
            if not apply_batch(contact_import, planner, batch, offset=offset):
                logger.warning("import %s: another run moved past row offset %s; this one stops", import_id, offset)
                return ContactImport.objects.get(pk=import_id)
            offset += len(batch)
    ContactImport.objects.filter(pk=import_id).update(
        status=ContactImport.Status.DONE, finished_at=timezone.now(), total_rows=offset,
    )
    if contact_import.file:
        _delete_file(contact_import)
    return ContactImport.objects.get(pk=import_id)


def contact_import_fail(*, import_id: int, error: str) -> None:
    """Record why a run gave up. Batches committed before stay applied (and counted); a new run resumes after them."""
    ContactImport.objects.filter(pk=import_id).exclude(status=ContactImport.Status.DONE).update(
        status=ContactImport.Status.FAILED, error=error[:2000], finished_at=timezone.now(),
    )


def contact_import_retry(*, contact_import: ContactImport, user) -> ContactImport:
    """Queue a failed import again; it resumes after its last committed batch."""
    ContactImport.objects.filter(pk=contact_import.pk, status=ContactImport.Status.FAILED).update(
        status=ContactImport.Status.PREVIEWED
    )
    return contact_import_start(contact_import=contact_import, user=user)


def contact_import_progress(*, contact_import: ContactImport) -> dict:
    return {
        "status": contact_import.status, "status_label": str(contact_import.get_status_display()),
        "processed_rows": contact_import.processed_rows, "total_rows": contact_import.total_rows,
        "percent": contact_import.progress_percent, "created": contact_import.created_count,
        "updated": contact_import.updated_count, "unchanged": contact_import.unchanged_count,
        "rejected": contact_import.rejected_count, "warnings": contact_import.warning_count,
        "error": contact_import.error,
        "finished": contact_import.status in (ContactImport.Status.DONE, ContactImport.Status.FAILED),
    }


def _planner(contact_import: ContactImport, headers: list[str]) -> Planner:
    return Planner(
        headers=headers, column_mapping=contact_import.column_mapping, target_list_id=contact_import.target_list_id,
        import_tags=split_tags(contact_import.tags), create_organisations=contact_import.create_organisations,
        profile_kind=contact_import.profile_kind,
    )


class _opened:
    """The stored file opened as a Table; closes the file afterwards."""

    def __init__(self, contact_import: ContactImport):
        self.contact_import = contact_import

    def __enter__(self):
        self.file = self.contact_import.file.open("rb")
        kind = FileKind(self.contact_import.file_format, self.contact_import.encoding, self.contact_import.delimiter)
        self.table_context = open_table(self.file, kind)
        return self.table_context.__enter__()

    def __exit__(self, *exc_info):
        try:
            return self.table_context.__exit__(*exc_info)
        finally:
            self.file.close()


def _batches(rows):
    while batch := list(itertools.islice(rows, BATCH_SIZE)):
        yield batch


def _delete_file(contact_import: ContactImport) -> None:
    """The uploaded file holds personal data that is now in the contacts; keep no second copy."""
    try:
        contact_import.file.delete(save=False)
    except OSError:
        logger.exception("import %s: could not delete the uploaded file", contact_import.pk)
        return
    ContactImport.objects.filter(pk=contact_import.pk).update(file="")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
