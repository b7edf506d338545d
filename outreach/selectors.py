"""Reads of outreach for the admin: timeline, follow-ups, GDPR state, segment sizes."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from outreach.models import ActivityEvent, Contact, ContactImport, ContactList, FollowUp, SuppressionEntry
from outreach.segments import contacts_matching

TIMELINE_LIMIT = 200


def contact_list_queryset() -> QuerySet:
    """The contact listing, with what its columns show loaded up front (suppression_reason: see contact_status)."""
    return Contact.objects.select_related("organisation", "journalist__outlet").prefetch_related("tags").annotate(
        suppression_reason=Subquery(SuppressionEntry.objects.filter(email_hash=OuterRef("email_hash"))
                                    .values("reason")[:1]))


# What the listing says for a suppressed contact: the suppression overrides any bounce state ("Zustellbar").
SUPPRESSION_STATUS = {
    SuppressionEntry.Reason.OBJECTION: _("Objection"),
    SuppressionEntry.Reason.MANUAL: _("Blocked"),
    SuppressionEntry.Reason.UNSUBSCRIBE: _("Unsubscribed"),
    SuppressionEntry.Reason.HARD_BOUNCE: _("Blocked (hard bounce)"),
    SuppressionEntry.Reason.COMPLAINT: _("Blocked (spam complaint)"),
    SuppressionEntry.Reason.ERASURE: _("Erased"),
}


def contact_status(contact: Contact) -> str:
    """One word for the listing: why no mail goes out, else the bounce state. Reads the annotation of
    contact_list_queryset when there is one."""
    reason = getattr(contact, "suppression_reason", None)
    if not hasattr(contact, "suppression_reason"):
        entry = contact_suppression(contact=contact)
        reason = entry.reason if entry else None
    if reason:
        return str(SUPPRESSION_STATUS.get(reason, reason))
    return str(contact.get_bounce_state_display())


def contact_timeline(*, contact: Contact, limit: int = TIMELINE_LIMIT) -> list[ActivityEvent]:
    """Newest first, with the acting user."""
    return list(contact.activity.select_related("actor").order_by("-occurred_at", "-id")[:limit])


def contact_follow_ups_open(*, contact: Contact) -> list[FollowUp]:
    """Open follow-ups, soonest due first."""
    return list(contact.follow_ups.filter(status=FollowUp.Status.OPEN).select_related("owner").order_by("due_on"))


def contact_suppression(*, contact: Contact) -> SuppressionEntry | None:
    return SuppressionEntry.objects.filter(email_hash=contact.email_hash).first()


@dataclass(frozen=True)
class PrivacyState:
    suppression: SuppressionEntry | None
    has_documented_basis: bool
    is_art14_notice_due: bool
    # The import whose consent proof (how, when, reference, document) covers this contact.
    consent_import: ContactImport | None = None


def contact_privacy_state(*, contact: Contact) -> PrivacyState:
    """What the GDPR block of the contact page shows.

    The Art. 14 notice is due when the data did not come from the person and no
    notice was recorded yet (outreach.notices): it goes out with the first mailing.
    """
    from outreach.notices import art14_notice_due

    is_consent = contact.legal_basis == Contact.LegalBasis.CONSENT
    has_documented_basis = bool(contact.legal_basis_note.strip()) and (not is_consent or contact.consent_given_at)
    consent_import = None
    if is_consent and contact.consent_import_id:
        consent_import = ContactImport.objects.filter(pk=contact.consent_import_id).only(
            "pk", "original_filename", "created_at", "consent_source", "consent_given_on", "consent_reference",
            "consent_document").first()
    return PrivacyState(
        suppression=contact_suppression(contact=contact),
        has_documented_basis=bool(has_documented_basis),
        is_art14_notice_due=art14_notice_due(contact),
        consent_import=consent_import,
    )


def suppression_list_queryset() -> QuerySet:
    """The suppression list with the contact still known for each entry, if any (contact_id, contact_label);
    erased people have no contact any more, so only their hash is left to show."""
    known = Contact.objects.filter(email_hash=OuterRef("email_hash"))
    return SuppressionEntry.objects.select_related("created_by").annotate(
        contact_id=Subquery(known.values("pk")[:1]), contact_email=Subquery(known.values("email")[:1]),
        contact_first_name=Subquery(known.values("first_name")[:1]),
        contact_last_name=Subquery(known.values("last_name")[:1]),
    ).order_by("-created_at")


def contact_lists(*, contact: Contact) -> QuerySet:
    return ContactList.objects.filter(memberships__contact=contact).order_by("name")


def contact_lists_with_size() -> QuerySet:
    """Lists with their member count, in one query for the listing."""
    return ContactList.objects.annotate(size=Count("memberships"))


@dataclass(frozen=True)
class SegmentPreview:
    size: int
    contacts: list[Contact]


def segment_preview(*, rules: dict, limit: int = 10) -> SegmentPreview:
    """Size (one COUNT query; suppressed contacts left out) and the first few matches. Raises ValidationError on bad rules."""
    queryset = contacts_matching(rules)
    return SegmentPreview(
        size=queryset.count(),
        contacts=list(queryset.select_related("organisation").order_by("last_name", "first_name", "email")[:limit]),
    )
