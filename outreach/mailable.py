"""What other apps give the delivery engine: things that can be mailed, and audiences.

outreach knows nothing of press releases or newsletters (DESIGN.md). An app
that mails through it registers, in its AppConfig.ready():

    register_mailable_source("press.pressreleasepage", lambda pk: PressReleasePage.objects.get(pk=pk))
    register_audience_provider("newsletters.newsletter", newsletter_confirmed_contact_ids)

A Mailing then names its source as "app_label.model:pk" and its extra audiences
the same way; outreach resolves both through these registries only.

Besides what can be mailed and to whom, this module holds the other doors those
apps use, each small and documented where it is defined: unsubscribe scopes
(register_unsubscribe_scope: a mailing's one-click unsubscribe ends only one
newsletter), transactional_mail_send (a confirmation request through the same
delivery backend), the contact doors (address_may_be_mailed, contact_for_address, contact_addresses,
contact_timeline_record(_many), contact_unsubscribe_everywhere, contact_personal_data), import targets
(register_import_target, in outreach.mailable_imports: the contacts import offers "attach the imported
contacts to <X>" and tells X about each applied batch), and, in outreach.mailable_reports (re-exported here), the figures of a
source's started mailings for its own report (mailing_figures_for_sources), a logged export of personal
data (personal_data_export, personal_data_handed_out, contact_ids_suppressed) and why an address may not be mailed
(address_suppression_reason), and, in outreach.mailable_responses (re-exported too), what came back
per recipient (recipient_responses, recipient_response_rows, response_totals) and follow-up tasks
(follow_ups_create). A source may also sort recipients into variants of a locale (VariantMailable: a
newsletter issue's topic sections) and hear when its mailing starts (mailable_sending_started); an app
creates a draft mailing of its source with mailing_draft_create and previews through mail_content_render
and mjml_render, the engine's one render path. Admin pages are extended by the Wagtail hook
"outreach_contact_sections" (outreach.viewsets.contacts), not from here.

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

# What transactional_mail_send raises when the carrier did not take the mail (re-exported for the callers).
from outreach.delivery.base import DeliveryError, PermanentDeliveryError, TransientDeliveryError  # noqa: F401


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


@runtime_checkable
class VariantMailable(Mailable, Protocol):
    """A Mailable whose recipients do not all get the same body in one locale (a newsletter issue whose
    topic sections go only to subscribers of that topic). Optional: the engine checks for it.

    When the audience is frozen, the engine asks, a chunk of contacts at a time, which locale and variant each
    recipient gets; then it asks once for each (locale, variant) that occurs and renders it once, never per
    recipient. Variant "" is the locale's plain mailable_content(). A locale the mailable does not offer falls
    back to the first of mailable_locales(), as for any mailing.
    """

    def mailable_recipient_variants(self, contact_ids: list[int]) -> dict[int, tuple[str, str]]:
        """{contact id: (locale, variant key)} for those of these contacts it knows; the rest get their own
        language and variant ""."""

    def mailable_variant_content(self, locale: str, variant: str) -> MailContent:
        """Subject and body of one variant (a key mailable_recipient_variants gave) in one locale."""


def mailable_sending_started(mailable: Mailable) -> None:
    """Tell a source that a mailing of it has started (in the start's transaction), if it wants to know:
    an optional method mailable_sending_started() (a newsletter issue enters the public archive then)."""
    hook = getattr(mailable, "mailable_sending_started", None)
    if callable(hook):
        hook()


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


# --- Unsubscribe scopes ------------------------------------------------------------------------------
# An unsubscribe is global unless the mailing names a scope (Mailing.unsubscribe_scope, "app_label.model:pk")
# whose app registered a handler here. The one-click POST (RFC 8058), the footer link and the List-Unsubscribe
# mailto of such a mailing then call the handler, which ends only that (e.g. one newsletter's subscription)
# and keeps its own record; outreach records the unsubscribe on the message (the mailing's report) and the
# contact's timeline either way. "Unsubscribe from everything" and objections stay global and skip handlers.
# press registers one for its distributions: their unsubscribe ends press mail only (newsletters stay).


@dataclass(frozen=True)
class UnsubscribeScope:
    # describe(pk, language) -> what the recipient leaves, for the unsubscribe page ("the newsletter X").
    describe: Callable[[int, str], str]
    # unsubscribe(pk, contact_id=..., source=..., about=...) -> True when it ended something for that contact;
    # False (not subscribed, scope gone) makes the caller fall back to the global unsubscribe.
    unsubscribe: Callable[..., bool]
    # members(pk, contact_ids) -> the ones the scope still holds. Sending asks it for each batch, so that a
    # recipient who left the newsletter after the audience was frozen is not sent the rest of it.
    members: Callable[[int, list[int]], set[int]] | None = None
    # What the mailing's report and the contact's timeline call an unsubscribe of this scope ("Press
    # unsubscribe"), so staff see at a glance that it was not global; "" says nothing more than "Unsubscribed".
    title: str = ""


_unsubscribe_scopes: dict[str, UnsubscribeScope] = {}


def register_unsubscribe_scope(label: str, *, describe: Callable[[int, str], str],
                               unsubscribe: Callable[..., bool],
                               members: Callable[[int, list[int]], set[int]] | None = None,
                               title: str = "") -> None:
    """Register how to unsubscribe from one thing of this label. Registering a label again replaces it.
    title may be a lazy translation; it is rendered in the language of whoever reads the report."""
    _unsubscribe_scopes[_label(label)] = UnsubscribeScope(describe=describe, unsubscribe=unsubscribe,
                                                          members=members, title=title)


def unsubscribe_scope_labels() -> list[str]:
    return sorted(_unsubscribe_scopes)


def _scope(reference: str) -> tuple[UnsubscribeScope, int] | None:
    try:
        label, pk = reference_parse(reference)
    except (ValidationError, ValueError):
        return None
    scope = _unsubscribe_scopes.get(label)
    return (scope, pk) if scope is not None else None


def unsubscribe_scope_describe(reference: str, *, language: str) -> str:
    """What a scoped unsubscribe ends, in words; "" when the reference is blank or unknown (global)."""
    found = _scope(reference)
    if found is None:
        return ""
    scope, pk = found
    try:
        return scope.describe(pk, language)
    except Exception:  # a deleted newsletter: the page falls back to the global wording
        return ""


def unsubscribe_scope_title(reference: str) -> str:
    """What the report and timeline call an unsubscribe of this scope; "" when blank, unknown or untitled."""
    found = _scope(reference)
    return str(found[0].title) if found is not None and found[0].title else ""


def unsubscribe_scope_members(reference: str, *, contact_ids: list[int]) -> set[int] | None:
    """Which of these contacts the scope still holds; None when there is no scope (or it cannot tell), so
    nobody is left out. A scoped mailing is thereby sent only to the scope's current members."""
    found = _scope(reference)
    if found is None or found[0].members is None:
        return None
    scope, pk = found
    return set(scope.members(pk, contact_ids))


def unsubscribe_scope_apply(reference: str, *, contact_id: int, source: str, about: str) -> bool:
    """Run the scope's handler; False when there is none or it ended nothing (then unsubscribe globally)."""
    found = _scope(reference)
    if found is None:
        return False
    scope, pk = found
    return bool(scope.unsubscribe(pk, contact_id=contact_id, source=source, about=about))


# --- Rendering, for an app's own preview ----------------------------------------------------------------

def mail_content_render(content: MailContent, *, locale: str, imprint: str = "") -> tuple[str, str]:
    """(html, text) of content as the engine renders it once per locale (MJML, remote fonts stripped, footer),
    with merge fields still in. For previews and archive pages of a source; raises what MJML raises."""
    from outreach.rendering import render_content

    rendered = render_content(locale=locale, body_mjml=content.mjml, body_html=content.html, body_text=content.text,
                              preheader=content.preheader, imprint=imprint)
    return rendered.html, rendered.text


def mjml_render(source: str) -> str:
    """MJML to HTML through the engine's one pipeline (no remote fonts, no scripts), without footer or
    merge fields: for an app's archive or web version, which must carry nothing personal."""
    from outreach.rendering import mjml_to_html, strip_remote_styles, strip_scripts

    return strip_remote_styles(strip_scripts(mjml_to_html(source)))


# --- A mailing of a source -----------------------------------------------------------------------------

def mailing_draft_create(*, title: str, source: str, sender_id: int, audience_providers: list[str],
                         unsubscribe_scope: str = "", user=None) -> tuple[int, str]:
    """A draft mailing of a registered source ("app_label.model:pk") to registered audiences, its content
    copied from the source (each locale, variant ""). Returns its id and the admin URL of its overview, where
    the engine's preview, test send, schedule, progress and report are. Raises ValidationError like any
    mailing save."""
    from outreach.models import Mailing, SenderIdentity
    from outreach.services.mailings import mailing_content_copy_from_source, mailing_save
    from outreach.viewsets.mailings import overview_url

    mailing = mailing_save(mailing=None, values={"title": title[:255], "source": source,
                                                 "sender": SenderIdentity.objects.get(pk=sender_id),
                                                 "audience_providers": audience_providers},
                           contents={}, user=user)
    if unsubscribe_scope:
        Mailing.objects.filter(pk=mailing.pk).update(unsubscribe_scope=unsubscribe_scope)
    # Copied now so that the overview previews and test-sends each language at once; the start copies again,
    # so an edit of the source until then is what goes out.
    mailing_content_copy_from_source(mailing=mailing)
    return mailing.pk, overview_url(mailing)


def mailing_admin_url(mailing_id: int) -> str:
    """The admin URL of a mailing's overview (preview, test send, schedule, progress, report)."""
    from outreach.models import Mailing
    from outreach.viewsets.mailings import overview_url

    return overview_url(Mailing(pk=mailing_id))


# --- Transactional mail ------------------------------------------------------------------------------

def transactional_mail_send(*, sender_id: int, to_email: str, to_name: str = "", subject: str, text: str,
                            html: str = "", locale: str = "de",
                            attachments: list[tuple[str, bytes, str]] | None = None, reply_to: str = "") -> str:
    """Send one mail a person asked for (a confirmation request, a data export), now, through the delivery
    backend mailings and test sends use (outbox, SMTP or SES), with the sender's name, address and imprint.

    No List-Unsubscribe, no tracking, no timeline entry: it is not a mailing. Suppression is the caller's
    business (a confirmation request goes to an address that is not a contact yet). Returns the carrier's
    id; raises outreach.delivery.TransientDeliveryError / PermanentDeliveryError when it was not accepted.
    reply_to, when given, replaces the sender's reply-to address; an attachment of type message/rfc822 is
    attached as a mail.
    """
    from outreach.services.transactional import transactional_send

    return transactional_send(sender_id=sender_id, to_email=to_email, to_name=to_name, subject=subject,
                              text=text, html=html, locale=locale, attachments=attachments or [], reply_to=reply_to)


# The doors for an app's own reports and exports (a source's mailing figures, a logged export of personal
# data, why an address may not be mailed) live in outreach.mailable_reports, re-exported here so that
# this module stays the one door.
from outreach.mailable_reports import (  # noqa: E402,F401 - re-exported
    EXPORT_FORMATS,
    MailingFigures,
    address_suppression_reason,
    contact_ids_suppressed,
    mailing_figures_for_sources,
    personal_data_export,
    personal_data_handed_out,
)
from outreach.mailable_responses import (  # noqa: E402,F401 - re-exported
    ResponseTotals,
    follow_ups_create,
    recipient_response_rows,
    recipient_responses,
    response_filters,
    response_totals,
)
from outreach.mailable_imports import (  # noqa: E402,F401 - re-exported
    ImportedConsent,
    ImportTarget,
    import_target_attach,
    import_target_choices,
    register_import_target,
)
from outreach.mailable_contacts import (  # noqa: E402,F401 - re-exported
    address_may_be_mailed,
    contact_addresses,
    contact_for_address,
    contact_personal_data,
    contact_timeline_record,
    contact_timeline_record_many,
    contact_unsubscribe_everywhere,
)
