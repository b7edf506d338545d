"""Mailings from draft to sent: write the draft, validate, copy content, render, freeze the audience, control the run.

The sending itself (batches, personalisation, the delivery backend) is in
outreach.services.sending.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.blocks import mailing_blocks_to_mjml
from outreach.mailable import audience_provider_contact_ids, mailable_resolve, mailable_sending_started
from outreach.models import Contact, ListMembership, Mailing, MailingAttachment, MailingContent, Message
from outreach.rendering import render_content
from outreach.services.mailing_checks import content_send_problems
from outreach.segments import not_suppressed, rules_to_q
from outreach.services.variants import mailing_variants_copy_from_source, source_with_variants

logger = logging.getLogger(__name__)

Status = Mailing.Status
FREEZE_CHUNK = 2000
# Until it starts, nothing has been copied, rendered or frozen; after that the batches read the stored content.
EDITABLE_STATUSES = (Status.DRAFT, Status.SCHEDULED)
MAILING_VALUE_FIELDS = ("title", "source", "sender", "audience_providers", "scheduled_at", "track_opens",
                        "track_clicks", "track_replies")
CONTENT_FIELDS = ("subject", "preheader", "body_blocks", "body_mjml", "body_html", "body_text")


@dataclass(frozen=True)
class FreezeResult:
    recipients: int
    created: int
    suppressed: int
    skipped: int


def mailing_locales(*, mailing: Mailing) -> list[str]:
    """The mailing's languages, the original first (the order the content was written or offered in)."""
    return list(mailing.contents.order_by("id").values_list("locale", flat=True))


def mailing_audience(*, mailing: Mailing) -> QuerySet:
    """Everyone the mailing is addressed to, before suppression and bounces are taken out."""
    condition = None
    list_ids = list(mailing.lists.values_list("id", flat=True))
    if list_ids:
        condition = Q(Exists(ListMembership.objects.filter(contact=OuterRef("pk"), contact_list_id__in=list_ids)))
    for segment in mailing.segments.all():
        condition = rules_to_q(segment.rules) if condition is None else condition | rules_to_q(segment.rules)
    for reference in mailing.audience_providers or []:
        provided = Q(pk__in=audience_provider_contact_ids(reference))
        condition = provided if condition is None else condition | provided
    if condition is None:
        return Contact.objects.none()
    return Contact.objects.filter(condition)


def _unknown(names, allowed) -> None:
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise TypeError(f"not a field that can be set here: {', '.join(unknown)}")


def _contents_clean(*, mailing: Mailing, contents: dict[str, dict | None]) -> dict[str, MailingContent]:
    """The languages to keep, as unsaved MailingContent rows; raises ValidationError naming every problem."""
    known = {code for code, _name in settings.LANGUAGES}
    kept, problems = {}, []
    for locale, values in contents.items():
        if values is None:
            continue
        _unknown(values, CONTENT_FIELDS)
        if locale not in known:
            problems.append(_("Unknown language: %(locale)s") % {"locale": locale})
            continue
        content = MailingContent(mailing=mailing, locale=locale,
                                 **{name: values.get(name) or ("" if name != "body_blocks" else []) for name in
                                    CONTENT_FIELDS})
        if content.body_blocks:
            # Blocks are the source; the MJML made from them is what the one render path renders.
            content.body_mjml, content.body_html = mailing_blocks_to_mjml(content.body_blocks), ""
        if not content.subject.strip() or not (content.body_mjml.strip() or content.body_html.strip()):
            problems.append(_("%(locale)s: write both a subject and a body, or leave the language out.")
                            % {"locale": locale})
            continue
        try:
            content.full_clean(exclude=["mailing"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems.extend(f"{locale}: {message}" for message in exc.messages)
        kept[locale] = content
    if not kept and not mailing.source and not problems:
        # A mailing with a source gets its content copied from there when it starts.
        problems.append(_("Write subject and body in at least one language."))
    if problems:
        raise ValidationError(problems)
    return kept


@transaction.atomic
def mailing_save(*, mailing: Mailing | None, values: dict, contents: dict[str, dict | None], lists=None,
                 segments=None, user=None) -> Mailing:
    """Create a draft mailing (mailing=None) or change one that has not started, with its content per language.

    values: Mailing fields by name (MAILING_VALUE_FIELDS); fields left out keep their value (or default).
    lists, segments: the whole audience, as objects or ids; None leaves it as it is.
    contents: every language the mailing is to have, {locale: {"subject", "preheader", "body_blocks" (the
        MailingBodyBlock stream's raw data; body_mjml is then made from it) or "body_mjml" or "body_html",
        "body_text"}}; a field left out is empty. A language mapped to None, or missing, is
        removed, with its attachments. Saved content counts as not rendered: the start renders it again.
    user: recorded as the creator of a new mailing.

    Raises ValidationError, and changes nothing, if the mailing has started (checked under a row lock, so a
    start at the same moment wins cleanly), if a field is invalid, or if no language has subject and body
    (unless the mailing has a source, whose content is copied when it starts). TypeError for a field name
    that cannot be set here. Saving the same data twice leaves the same rows.
    """
    _unknown(values, MAILING_VALUE_FIELDS)
    if mailing is None:
        mailing = Mailing(created_by=user)
    else:
        mailing = _locked(mailing)
        if mailing.status not in EDITABLE_STATUSES:
            raise ValidationError(_("This mailing is %(status)s and can no longer be changed.")
                                  % {"status": mailing.get_status_display()})
    for name, value in values.items():
        setattr(mailing, name, value)
    if mailing.status == Status.SCHEDULED and not (mailing.scheduled_at and mailing.scheduled_at > timezone.now()):
        # No time ahead any more: beat would either never start it or start it at once, neither of
        # which the editor asked for. As a draft it waits for "Send".
        mailing.status = Status.DRAFT
    mailing.full_clean()
    kept = _contents_clean(mailing=mailing, contents=contents)
    mailing.save()
    if lists is not None:
        mailing.lists.set(lists)
    if segments is not None:
        mailing.segments.set(segments)
    MailingContent.objects.filter(mailing=mailing).exclude(locale__in=kept).delete()
    # Nobody gets a language without content, so its files would only linger unseen in the database.
    MailingAttachment.objects.filter(mailing=mailing).exclude(locale__in=kept).delete()
    for locale, content in kept.items():
        MailingContent.objects.update_or_create(
            mailing=mailing, locale=locale,
            defaults={**{name: getattr(content, name) for name in CONTENT_FIELDS}, "rendered_at": None},
        )
    return mailing


def _undeliverable() -> Q:
    return Q(bounce_state=Contact.BounceState.HARD) | Q(is_stale=True)


def mailing_validate_for_send(*, mailing: Mailing) -> None:
    """Raise ValidationError naming everything that keeps the mailing from being sent.

    Hand-written content is checked per language (outreach.services.mailing_checks): a subject, and no
    left-over placeholder of the starter layout or link without an address.
    """
    problems = []
    if mailing.status not in (Status.DRAFT, Status.SCHEDULED):
        problems.append(_("The mailing is %(status)s; only a draft can be sent.") % {"status": mailing.get_status_display()})
    if mailing.sender_id is None:
        problems.append(_("Choose a sender."))
    if not (mailing.lists.exists() or mailing.segments.exists() or mailing.audience_providers):
        problems.append(_("Choose an audience: at least one list, segment or subscriber group."))
    if mailing.source:
        try:
            if not mailable_resolve(mailing.source).mailable_locales():
                problems.append(_("The source has no language version to send."))
        except ValidationError as exc:
            problems.extend(exc.messages)
    elif not mailing.contents.exclude(subject="").filter(~Q(body_mjml="") | ~Q(body_html="")).exists():
        problems.append(_("Write the content (subject and body) in at least one language."))
    else:
        for content in mailing.contents.order_by("id"):
            problems.extend(content_send_problems(locale=content.locale, subject=content.subject,
                                                  body_mjml=content.body_mjml, body_html=content.body_html))
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def mailing_content_copy_from_source(*, mailing: Mailing) -> list[str]:
    """Copy subject, body and attachments of every locale the source offers. Returns the locales.

    What is sent is this copy: an edit of the press release after the start
    does not change the batches still to go.
    """
    mailable = mailable_resolve(mailing.source)
    locales = list(dict.fromkeys(mailable.mailable_locales()))
    for locale in locales:
        content = mailable.mailable_content(locale)
        MailingContent.objects.update_or_create(
            mailing=mailing, locale=locale,
            defaults={"subject": content.subject, "preheader": content.preheader, "body_mjml": content.mjml,
                      "body_html": content.html, "body_text": content.text, "rendered_at": None},
        )
        MailingAttachment.objects.filter(mailing=mailing, locale=locale).delete()
        MailingAttachment.objects.bulk_create([
            MailingAttachment(mailing=mailing, locale=locale, filename=name, content=data, mimetype=mimetype)
            for name, data, mimetype in content.attachments
        ])
    MailingContent.objects.filter(mailing=mailing).exclude(locale__in=locales).delete()
    MailingAttachment.objects.filter(mailing=mailing).exclude(locale__in=locales).delete()
    return locales


@transaction.atomic
def mailing_render(*, mailing: Mailing) -> int:
    """Render every locale, and every variant of one, once (MJML to HTML, footer, text part); merge fields stay
    in. Returns how many. Raises ValidationError if one has no body. Safe to call again: it renders afresh.
    """
    imprint = mailing.sender.imprint if mailing.sender_id else ""
    now = timezone.now()
    rows = [*mailing.contents.all(), *mailing.variants.all()]
    for row in rows:  # MailingContent and MailingVariant share these field names
        try:
            rendered = render_content(locale=row.locale, body_mjml=row.body_mjml, body_html=row.body_html,
                                      body_text=row.body_text, preheader=row.preheader, imprint=imprint)
        except ValueError as exc:
            raise ValidationError(_("%(locale)s: %(reason)s") % {"locale": row.locale, "reason": exc}) from exc
        row.rendered_html, row.rendered_text, row.rendered_at = rendered.html, rendered.text, now
        row.save(update_fields=["rendered_html", "rendered_text", "rendered_at"])
    return len(rows)


@transaction.atomic
def mailing_freeze_audience(*, mailing: Mailing) -> FreezeResult:
    """Create one QUEUED Message per deliverable recipient and count who was left out.

    Suppressed contacts and hard-bounced or stale ones get no message. Each
    contact gets its own language if the mailing has it, else the first one.
    Calling it again adds only contacts that joined the audience since (the
    unique (mailing, contact) constraint drops the rest). Rows are read with
    an iterator and inserted in chunks, so memory stays flat at 100k recipients.
    """
    locales = mailing_locales(mailing=mailing)
    if not locales:
        raise ValidationError(_("The mailing has no content to send."))
    audience = mailing_audience(mailing=mailing)
    suppressed = audience.exclude(not_suppressed()).count()
    deliverable = audience.filter(not_suppressed())
    skipped = deliverable.filter(_undeliverable()).count()
    rows = deliverable.exclude(_undeliverable()).order_by("id").values_list("id", "email", "language")
    known, created, chunk = set(locales), 0, []
    source = source_with_variants(mailing)

    def flush(rows_: list[tuple[int, str, str]]) -> int:
        # The source sorts a whole chunk in one call (one query), never one recipient at a time.
        chosen = source.mailable_recipient_variants([row[0] for row in rows_]) if source is not None else {}
        messages = []
        for contact_id, email, language in rows_:
            language, variant = chosen.get(contact_id, (language, ""))
            locale = language if language in known else locales[0]
            messages.append(Message(mailing=mailing, contact_id=contact_id, email=email, locale=locale,
                                    variant=variant))
        return len(Message.objects.bulk_create(messages, ignore_conflicts=True))

    for row in rows.iterator(chunk_size=FREEZE_CHUNK):
        chunk.append(row)
        if len(chunk) >= FREEZE_CHUNK:
            created += flush(chunk)
            chunk = []
    if chunk:
        created += flush(chunk)
    mailing.recipients_count = Message.objects.filter(mailing=mailing).count()
    mailing.suppressed_count, mailing.skipped_count = suppressed, skipped
    mailing.frozen_at = mailing.frozen_at or timezone.now()
    mailing.save(update_fields=["recipients_count", "suppressed_count", "skipped_count", "frozen_at"])
    # bulk_create with ignore_conflicts cannot tell how many rows were new; this is what was attempted.
    return FreezeResult(recipients=mailing.recipients_count, created=created, suppressed=suppressed, skipped=skipped)


def _locked(mailing: Mailing) -> Mailing:
    # Two editors pressing "send" at once: the second waits here and then sees the first one's status.
    return Mailing.objects.select_for_update(of=("self",)).select_related("sender").get(pk=mailing.pk)


def _dispatch_on_commit(mailing_id: int) -> None:
    from outreach.tasks import mailing_dispatch_task

    transaction.on_commit(lambda: mailing_dispatch_task.delay(mailing_id))


@transaction.atomic
def mailing_start(*, mailing: Mailing) -> FreezeResult:
    """Copy and render the content, freeze the audience, mark SENDING, and dispatch once committed.

    Raises ValidationError (and changes nothing) if the mailing cannot be sent
    or has nobody to send to.
    """
    mailing = _locked(mailing)
    mailing_validate_for_send(mailing=mailing)
    if mailing.source:
        mailing_content_copy_from_source(mailing=mailing)
    # Frozen before rendering: which variants exist depends on who is in the audience.
    result = mailing_freeze_audience(mailing=mailing)
    mailing_variants_copy_from_source(mailing=mailing)
    mailing_render(mailing=mailing)
    if not result.recipients:
        raise ValidationError(
            _("Nobody to send to: %(suppressed)s suppressed, %(skipped)s bounced or stale.")
            % {"suppressed": result.suppressed, "skipped": result.skipped}
        )
    now = timezone.now()
    mailing.status, mailing.started_at = Status.SENDING, now
    mailing.save(update_fields=["status", "started_at"])
    if mailing.source:
        mailable_sending_started(mailable_resolve(mailing.source))
    _dispatch_on_commit(mailing.pk)
    return result


@transaction.atomic
def mailing_send(*, mailing: Mailing, actor=None) -> Mailing:
    """Send now, or schedule if scheduled_at lies ahead. Raises ValidationError with the reasons if it cannot.

    Sending now freezes the audience in this transaction (so the editor sees
    the counts at once) and queues the batches after the commit.
    """
    locked = _locked(mailing)
    if locked.scheduled_at and locked.scheduled_at > timezone.now():
        mailing_validate_for_send(mailing=locked)
        locked.status = Status.SCHEDULED
        locked.save(update_fields=["status"])
    else:
        mailing_start(mailing=locked)
        locked.refresh_from_db()
    logger.info("mailing %s sent by %s: %s", locked.pk, actor, locked.status)
    return locked


def mailings_start_due() -> int:
    """Start scheduled mailings whose time has come (run every minute by beat). Returns how many started."""
    started = 0
    due = Mailing.objects.filter(status=Status.SCHEDULED, scheduled_at__lte=timezone.now()).values_list("pk", flat=True)
    for pk in list(due):
        try:
            mailing_start(mailing=Mailing(pk=pk))
            started += 1
        except ValidationError as exc:
            # Not retried every minute: back to draft, where an editor sees it was not sent.
            Mailing.objects.filter(pk=pk, status=Status.SCHEDULED).update(status=Status.DRAFT)
            logger.warning("scheduled mailing %s could not start: %s", pk, "; ".join(exc.messages))
    return started


@transaction.atomic
def mailing_pause(*, mailing: Mailing, actor=None) -> Mailing:
    """Stop handing out messages. Running batches stop at their next status check. Safe to call twice."""
    mailing = _locked(mailing)
    if mailing.status not in (Status.SENDING, Status.PAUSED):
        raise ValidationError(_("Only a mailing that is sending can be paused."))
    mailing.status = Status.PAUSED
    mailing.save(update_fields=["status"])
    return mailing


@transaction.atomic
def mailing_resume(*, mailing: Mailing, actor=None) -> Mailing:
    """Continue a paused mailing with what is still queued."""
    mailing = _locked(mailing)
    if mailing.status != Status.PAUSED:
        raise ValidationError(_("Only a paused mailing can be resumed."))
    mailing.status = Status.SENDING
    mailing.save(update_fields=["status"])
    _dispatch_on_commit(mailing.pk)
    return mailing


@transaction.atomic
def mailing_cancel(*, mailing: Mailing, actor=None) -> Mailing:
    """Stop for good: queued messages become CANCELLED; what was accepted stays. Safe to call twice.

    Messages a running batch holds (SENDING) are cancelled by that batch at its next status check.
    """
    mailing = _locked(mailing)
    if mailing.status in (Status.SENT,):
        raise ValidationError(_("The mailing has been sent completely; there is nothing to cancel."))
    if mailing.status != Status.CANCELLED:
        Message.objects.filter(mailing=mailing, status=Message.Status.QUEUED).update(
            status=Message.Status.CANCELLED, claimed_by="", claimed_at=None
        )
        mailing.status, mailing.finished_at = Status.CANCELLED, timezone.now()
        mailing.save(update_fields=["status", "finished_at"])
    return mailing
