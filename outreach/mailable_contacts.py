"""Part of the mailable door (outreach/mailable.py re-exports everything here): the people behind an audience.

An app that keeps its own subscribers (newsletters) names them by Contact id and goes through these few
functions for what outreach owns: the one Contact per address, suppression, the timeline, the Art. 15 export.
"""


def address_may_be_mailed(email: str) -> bool:
    """False when the address is on the suppression list (objection, erasure, unsubscribe from everything,
    hard bounce, complaint, blocked by staff). The one question every sender asks before mailing anyone."""
    from outreach.models import SuppressionEntry, email_hash

    return not SuppressionEntry.objects.filter(email_hash=email_hash(email)).exists()


def contact_for_address(*, email: str, first_name: str = "", last_name: str = "", language: str = "de",
                        source: str = "", consent_note: str = "") -> int:
    """The id of the one Contact with this address, created when there is none (legal basis: consent,
    given now, documented by consent_note). An existing contact is left as it is. Raises ValidationError
    for an invalid or suppressed address."""
    from django.utils import timezone

    from outreach.models import Contact
    from outreach.services.contacts import contact_create, normalise_email

    address = normalise_email(email)
    existing = Contact.objects.filter(email=address).values_list("id", flat=True).first()
    if existing is not None:
        return existing
    return contact_create(
        email=address, first_name=first_name[:120], last_name=last_name[:120], language=language, source=source[:255],
        legal_basis=Contact.LegalBasis.CONSENT, legal_basis_note=consent_note, consent_given_at=timezone.now(),
    ).pk


def contact_timeline_record(*, contact_id: int, kind: str, summary: str = "", subject: str = "",
                            data: dict | None = None) -> None:
    """One event on the contact's timeline; kind is an outreach.models.ActivityEvent.Kind value."""
    from outreach.models import Contact
    from outreach.services.activity import activity_record

    activity_record(contact=Contact.objects.get(pk=contact_id), kind=kind, summary=summary, subject=subject,
                    data=data)


def contact_timeline_record_many(*, contact_ids: list[int], kind: str, summary: str = "", subject: str = "",
                                 actor_id: int | None = None) -> None:
    """The same timeline event for many contacts in one insert (e.g. a batch of imported subscribers)."""
    from outreach.models import ActivityEvent
    from outreach.services.activity import activity_record_many

    actor = ActivityEvent._meta.get_field("actor").related_model(pk=actor_id) if actor_id else None
    activity_record_many(contact_ids=contact_ids, kind=kind, actor=actor, summary=summary, subject=subject)


def contact_addresses(*, contact_ids: list[int]) -> dict[int, tuple[str, str]]:
    """{contact id: (address, language)} for these contacts (one query), e.g. to subscribe imported contacts."""
    from outreach.models import Contact

    return {pk: (email, language) for pk, email, language in
            Contact.objects.filter(pk__in=contact_ids).values_list("id", "email", "language")}


def contact_unsubscribe_everywhere(*, contact_id: int, note: str = "") -> None:
    """No more mail of any kind to this contact: their address goes on the suppression list (reason
    unsubscribe; an earlier entry keeps its reason) and the timeline says so. Safe to call twice."""
    from outreach.models import ActivityEvent, Contact, SuppressionEntry
    from outreach.services.activity import activity_record
    from outreach.services.contacts import email_suppress

    contact = Contact.objects.get(pk=contact_id)
    email_suppress(email=contact.email, reason=SuppressionEntry.Reason.UNSUBSCRIBE, note=note)
    activity_record(contact=contact, kind=ActivityEvent.Kind.UNSUBSCRIBED, summary=note)


def contact_personal_data(*, contact_id: int) -> dict:
    """Art. 15 GDPR: what outreach holds about the contact (logged as an export, as in the admin)."""
    from outreach.models import Contact
    from outreach.services.privacy import contact_data_export

    return contact_data_export(contact=Contact.objects.get(pk=contact_id))
