"""Part of the mailable door (outreach/mailable.py re-exports everything here): import targets.

The contacts import (outreach.services.imports) may attach what it imports to something another app keeps,
e.g. a newsletter's subscriptions, without knowing what that is. The app registers a label with
  choices()                                  -> [("app_label.model:pk", "what the officer reads"), ...]
  attach(pk, contact_ids=[...], consent=...)  -> None
The upload form offers the choices; the chosen reference is stored on the import, and attach is called once
for each batch the run applies, inside the batch's transaction (so a batch and its attachment commit together
and a resumed run attaches no batch twice), with the ids of the batch's accepted contacts (new, updated and
unchanged; rejected and suppressed rows are never among them) and the import's consent fields.
"""

import datetime
from dataclasses import dataclass
from typing import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from outreach.mailable import _label, reference_parse


@dataclass(frozen=True)
class ImportedConsent:
    """What the import says about how its people agreed: legal basis and, for consent, the proof fields."""

    import_reference: str  # "outreach.contactimport:<pk>"
    filename: str
    legal_basis: str
    consent_source: str = ""
    consent_given_on: datetime.date | None = None
    consent_reference: str = ""
    has_consent_document: bool = False
    actor_id: int | None = None

    @property
    def has_proof(self) -> bool:
        """Consent with its proof: the import form requires source, date and a reference or document for it."""
        return (self.legal_basis == "consent" and bool(self.consent_source) and self.consent_given_on is not None
                and (bool(self.consent_reference) or self.has_consent_document))


@dataclass(frozen=True)
class ImportTarget:
    choices: Callable[[], list[tuple[str, str]]]
    attach: Callable[..., None]


_import_targets: dict[str, ImportTarget] = {}


def register_import_target(label: str, *, choices: Callable[[], list[tuple[str, str]]],
                           attach: Callable[..., None]) -> None:
    """Offer "attach imported contacts to ..." choices (references of this label). Registering again replaces."""
    _import_targets[_label(label)] = ImportTarget(choices=choices, attach=attach)


def import_target_choices() -> list[tuple[str, str]]:
    """Every registered app's choices, for the upload form; [] when no app offers any."""
    return [choice for label in sorted(_import_targets) for choice in _import_targets[label].choices()]


def import_target_attach(reference: str, *, contact_ids: list[int], consent: ImportedConsent) -> None:
    """Hand a batch's contacts to the target's app. ValidationError for a reference no app registered."""
    label, pk = reference_parse(reference)
    target = _import_targets.get(label)
    if target is None:
        raise ValidationError(_("Imported contacts cannot be attached to %(label)s: no app offers it.")
                              % {"label": label})
    if contact_ids:
        target.attach(pk, contact_ids=contact_ids, consent=consent)
