"""Handing each applied batch to the import's target (outreach.mailable.register_import_target), e.g. a
newsletter that takes the imported people as subscribers. outreach never knows what the target is."""

from outreach.mailable import ImportedConsent, import_target_attach
from outreach.models import ContactImport


def imported_consent(contact_import: ContactImport) -> ImportedConsent:
    return ImportedConsent(
        import_reference=f"outreach.contactimport:{contact_import.pk}", filename=contact_import.original_filename,
        legal_basis=contact_import.legal_basis, consent_source=contact_import.consent_source,
        consent_given_on=contact_import.consent_given_on, consent_reference=contact_import.consent_reference,
        has_consent_document=bool(contact_import.consent_document), actor_id=contact_import.created_by_id,
    )


def import_target_attach_batch(contact_import: ContactImport, contact_ids: list[int]) -> None:
    """Called inside the batch's transaction, so the batch and its attachment commit (or roll back) together."""
    if contact_import.import_target and contact_ids:
        import_target_attach(contact_import.import_target, contact_ids=contact_ids,
                             consent=imported_consent(contact_import))
