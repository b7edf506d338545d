"""What other apps give the delivery engine: things that can be mailed, and audiences.

outreach knows nothing of press releases or newsletters (DESIGN.md). An app
that mails through it registers, in its AppConfig.ready():

    register_mailable_source("press.pressreleasepage", lambda pk: PressReleasePage.objects.get(pk=pk))
    register_audience_provider("newsletters.newsletter", newsletter_confirmed_contact_ids)

A Mailing then names its source as "app_label.model:pk" and its extra audiences
the same way; outreach resolves both through these registries only.

A source may also give per-recipient merge fields (RECIPIENT_FIELDS, e.g. a
press officer's personal note above a release):

    register_recipient_fields("press.pressreleasepage", notes_for_mailing)

The engine asks once per batch, for the batch's contacts, and fills the
field into the HTML as given (the provider sanitises it when it is written)
and into the text part and subject as the plain text given with it.
"""

from dataclasses import dataclass, field
from typing import Callable, Protocol, runtime_checkable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class MailContent:
    """One locale of something to be mailed. Give mjml or html; text is generated from the HTML when empty."""

    subject: str
    preheader: str = ""
    html: str = ""
    mjml: str = ""
    text: str = ""
    # (filename, content, mimetype)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


# Merge fields that only a registered provider fills; empty for everyone else (see outreach.rendering).
RECIPIENT_FIELDS = ("personal_note",)


@dataclass(frozen=True)
class RecipientField:
    """One per-recipient value: html is inserted as it is (sanitised by its provider), text goes to the text part."""

    html: str
    text: str


@runtime_checkable
class Mailable(Protocol):
    def mailable_locales(self) -> list[str]:
        """Language codes this object can be mailed in, the original first."""

    def mailable_content(self, locale: str) -> MailContent:
        """Subject, body and attachments in one of mailable_locales()."""


_mailable_sources: dict[str, Callable[[int], Mailable]] = {}
_audience_providers: dict[str, Callable[[int], QuerySet]] = {}
_recipient_field_providers: dict[str, Callable[[int, list[int]], dict[int, dict[str, RecipientField]]]] = {}


def _label(label: str) -> str:
    label = label.strip().lower()
    app_label, dot, model = label.partition(".")
    if not (app_label and dot and model) or ":" in label:
        raise ValueError(f"A label is 'app_label.model', not {label!r}.")
    return label


def register_mailable_source(label: str, resolver: Callable[[int], Mailable]) -> None:
    """resolver(pk) returns the object (raising DoesNotExist if it is gone). Registering a label again replaces it."""
    _mailable_sources[_label(label)] = resolver


def register_audience_provider(label: str, resolver: Callable[[int], QuerySet]) -> None:
    """resolver(pk) returns a queryset of Contact ids (values_list("id") or values("id"))."""
    _audience_providers[_label(label)] = resolver


def register_recipient_fields(
    label: str, provider: Callable[[int, list[int]], dict[int, dict[str, RecipientField]]]
) -> None:
    """provider(mailing_id, contact_ids) returns {contact_id: {field: RecipientField}} for mailings whose source
    has this label; fields must be among RECIPIENT_FIELDS. Called once per batch, so one query, not one per contact."""
    _recipient_field_providers[_label(label)] = provider


def recipient_fields_for(*, source: str, mailing_id: int, contact_ids: list[int]) -> dict[int, dict[str, RecipientField]]:
    """The per-recipient fields of a batch, {} when the source gives none."""
    if not source or not contact_ids:
        return {}
    try:
        label, _pk = reference_parse(source)
    except ValidationError:
        return {}
    provider = _recipient_field_providers.get(label)
    if provider is None:
        return {}
    fields = provider(mailing_id, contact_ids)
    return {contact_id: {name: value for name, value in values.items() if name in RECIPIENT_FIELDS}
            for contact_id, values in fields.items()}


def mailable_source_labels() -> list[str]:
    return sorted(_mailable_sources)


def audience_provider_labels() -> list[str]:
    return sorted(_audience_providers)


def reference_parse(reference: str) -> tuple[str, int]:
    """("app_label.model", pk) from "app_label.model:pk", or ValidationError."""
    label, colon, pk = (reference or "").strip().rpartition(":")
    if not colon or not pk.isdigit():
        raise ValidationError(_("%(reference)r is not of the form 'app_label.model:id'.") % {"reference": reference})
    return _label(label), int(pk)


def reference_for(label: str, pk: int) -> str:
    return f"{_label(label)}:{pk}"


def mailable_resolve(reference: str) -> Mailable:
    """The object behind a Mailing.source, or ValidationError saying why not."""
    label, pk = reference_parse(reference)
    resolver = _mailable_sources.get(label)
    if resolver is None:
        raise ValidationError(_("Nothing can be mailed from %(label)s: no app registered it.") % {"label": label})
    try:
        return resolver(pk)
    except Exception as exc:  # the resolver's DoesNotExist is not ours to name
        raise ValidationError(_("%(reference)s cannot be mailed: %(reason)s") % {"reference": reference, "reason": exc}) from exc


def audience_provider_contact_ids(reference: str) -> QuerySet:
    label, pk = reference_parse(reference)
    resolver = _audience_providers.get(label)
    if resolver is None:
        raise ValidationError(_("Unknown audience %(label)s: no app registered it.") % {"label": label})
    return resolver(pk)
