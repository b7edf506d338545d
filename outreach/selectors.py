"""Reads of outreach for the admin: timeline, follow-ups, GDPR state, segment sizes."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from outreach.models import ActivityEvent, Contact, ContactList, FollowUp, SuppressionEntry
from outreach.segments import contacts_matching

TIMELINE_LIMIT = 200


def contact_list_queryset() -> QuerySet:
    """The contact listing, with what its columns show loaded up front."""
    return Contact.objects.select_related("organisation", "journalist__outlet").prefetch_related("tags")


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


def contact_privacy_state(*, contact: Contact) -> PrivacyState:
    """What the GDPR block of the contact page shows.

    The Art. 14 notice is due when the data did not come from the person and no
    notice was recorded yet (outreach.notices): it goes out with the first mailing.
    """
    from outreach.notices import art14_notice_due

    is_consent = contact.legal_basis == Contact.LegalBasis.CONSENT
    has_documented_basis = bool(contact.legal_basis_note.strip()) and (not is_consent or contact.consent_given_at)
    return PrivacyState(
        suppression=contact_suppression(contact=contact),
        has_documented_basis=bool(has_documented_basis),
        is_art14_notice_due=art14_notice_due(contact),
    )


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
