"""Contacts and their GDPR rights: create, edit, object, erase, Art. 14 notice (the data export is in privacy.py)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email

from outreach.models import ActivityEvent, Contact, SuppressionEntry, email_hash
from outreach.services.activity import activity_record, activity_record_many

EDITABLE_FIELDS = (
    "salutation", "academic_title", "first_name", "last_name", "language", "organisation", "position", "phone",
    "mobile", "legal_basis", "legal_basis_note", "consent_given_at", "source", "data_origin",
)


def _invalid_email_reason(text: str, error: EmailNotValidError) -> str:
    """The common mistakes in words of the admin's language; email-validator's own text is English only."""
    local, _at, domain = text.rpartition("@")
    if not text:
        return _("it is empty")
    if "@" not in text:
        return _("it has no @ sign")
    if any(character.isspace() for character in text):
        return _("it contains spaces")
    if not local:
        return _("there is nothing before the @")
    if not domain:
        return _("there is nothing after the @")
    if "." not in domain:
        return _("the domain after the @ is incomplete (like example.org)")
    if ".." in text:
        return _("it contains two dots in a row")
    return _("it is not a valid address (%(detail)s)") % {"detail": error}


def normalise_email(raw: str) -> str:
    """The address as stored, or ValidationError with a reason a person understands."""
    text = (raw or "").strip()
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        reason = _invalid_email_reason(text, exc)
        raise ValidationError(_("Invalid e-mail address %(address)r: %(reason)s") % {"address": raw, "reason": reason}) from exc
    return result.normalized.lower()


def is_suppressed(email: str) -> bool:
    return SuppressionEntry.objects.filter(email_hash=email_hash(email)).exists()


@transaction.atomic
def contact_create(*, email: str, actor=None, **fields) -> Contact:
    """Create a contact. Refuses an address on the suppression list or one that exists already."""
    address = normalise_email(email)
    if is_suppressed(address):
        raise ValidationError(_("%(address)s is on the suppression list (objection, erasure or bounce) and cannot be added again.")
                              % {"address": address})
    if Contact.objects.filter(email=address).exists():
        raise ValidationError(_("A contact with the address %(address)s exists already.") % {"address": address})
    contact = Contact(email=address, created_by=actor, **fields)
    contact.full_clean(exclude=["email_hash"])
    contact.save()
    activity_record(contact=contact, kind=ActivityEvent.Kind.CREATED, actor=actor,
                    summary=fields.get("source", "") or _("Created by hand"))
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor=None, **fields) -> Contact:
    """Change fields and record which ones changed on the timeline. A no-op change records nothing."""
    changed = [name for name, value in fields.items() if name in EDITABLE_FIELDS and getattr(contact, name) != value]
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable through contact_update: {sorted(unknown)}")
    for name in changed:
        setattr(contact, name, fields[name])
    if changed:
        contact.full_clean(exclude=["email_hash"])
        contact.save()
        activity_record(contact=contact, kind=ActivityEvent.Kind.EDITED, actor=actor,
                        summary=", ".join(changed), data={"fields": changed})
    return contact


def _suppress(address: str, *, reason: str, actor=None, note: str = "") -> SuppressionEntry:
    entry, _created = SuppressionEntry.objects.get_or_create(
        email_hash=email_hash(address), defaults={"reason": reason, "created_by": actor, "note": note}
    )
    return entry


@transaction.atomic
def contact_object(*, contact: Contact, actor=None, note: str = "") -> SuppressionEntry:
    """Objection (Art. 21 GDPR): no more mail of any kind, from any list, segment or import. Safe to call twice."""
    entry = _suppress(contact.email, reason=SuppressionEntry.Reason.OBJECTION, actor=actor, note=note)
    activity_record(contact=contact, kind=ActivityEvent.Kind.OBJECTED, actor=actor, summary=note)
    return entry


@transaction.atomic
def email_suppress(*, email: str, reason: str, actor=None, note: str = "") -> SuppressionEntry:
    """Put an address on the global suppression list, whether or not a contact exists for it."""
    return _suppress(normalise_email(email), reason=reason, actor=actor, note=note)


@transaction.atomic
def contact_erase(*, contact: Contact, actor=None, note: str = "") -> str:
    """Erasure (Art. 17 GDPR): delete the person and everything hanging off them.

    Only the hash of the address stays, on the suppression list, so that no
    import can add the person again. Returns that hash.
    """
    entry = _suppress(contact.email, reason=SuppressionEntry.Reason.ERASURE, actor=actor, note=note)
    if entry.reason != SuppressionEntry.Reason.ERASURE:
        entry.reason = SuppressionEntry.Reason.ERASURE
        entry.save(update_fields=["reason"])
    _erase_mail_traces(contact)
    contact.delete()
    return entry.email_hash


def _erase_mail_traces(contact: Contact) -> None:
    """What mail left behind about the person: their replies (text and original) and the
    address on past messages. The messages themselves stay, without the person, so
    that a mailing's report still adds up."""
    from django.db.models import Q

    from outreach.models import InboundMessage, Message

    inbound = InboundMessage.objects.filter(
        Q(contact=contact) | Q(message__contact=contact) | Q(from_address__iexact=contact.email)
    )
    for stored in inbound.exclude(raw=""):
        stored.raw.delete(save=False)
    inbound.delete()
    Message.objects.filter(contact=contact).update(contact=None, email="")


@transaction.atomic
def contact_record_art14_notice(*, contact: Contact, actor=None, sent_at=None) -> Contact:
    """Art. 14 GDPR: the notice to people whose data did not come from them, due on first contact."""
    if contact.art14_notice_sent_at is None:
        contact.art14_notice_sent_at = sent_at or timezone.now()
        contact.save(update_fields=["art14_notice_sent_at", "updated_at"])
        activity_record(contact=contact, kind=ActivityEvent.Kind.NOTICE_SENT, actor=actor)
    return contact


def contacts_art14_notice_record(*, contact_ids, subject: str = "", summary: str = "") -> list[int]:
    """Record that a mail just accepted for these contacts carried the Art. 14 notice, for those who were owed
    it (outreach.notices decides, as it did when the mail was personalised). Safe to call twice: a contact
    whose notice is recorded is no longer owed one. Returns the ids recorded."""
    from outreach.notices import art14_notice_due

    candidates = Contact.objects.filter(pk__in=list(contact_ids), art14_notice_sent_at__isnull=True).only(
        "pk", "data_origin", "legal_basis", "art14_notice_sent_at")
    due = [contact.pk for contact in candidates if art14_notice_due(contact)]
    if not due:
        return []
    with transaction.atomic():
        # The update re-checks the date, so two batches recording at once leave one date and one event.
        recorded = list(Contact.objects.select_for_update().filter(pk__in=due, art14_notice_sent_at__isnull=True)
                        .values_list("pk", flat=True))
        Contact.objects.filter(pk__in=recorded).update(art14_notice_sent_at=timezone.now())
        activity_record_many(contact_ids=recorded, kind=ActivityEvent.Kind.NOTICE_SENT, summary=summary,
                             subject=subject)
    return recorded
