"""People, organisations, lists, segments and consent: the audience side of outreach.

Public names are re-exported here. Submodules depend on each other in one
direction: contacts, then audiences, privacy, activity, imports, mailings and inbound.
"""

from outreach.models.activity import ActivityEvent, FollowUp
from outreach.models.audiences import ContactList, ListMembership, Segment
from outreach.models.contacts import (
    Contact,
    JournalistProfile,
    Language,
    Organisation,
    OrganisationKind,
    ProtagonistProfile,
)
from outreach.models.imports import ContactImport
from outreach.models.inbound import InboundMessage
from outreach.models.mailings import (
    BounceReason,
    Mailing,
    MailingAttachment,
    MailingContent,
    MailingVariant,
    Message,
    MessageEvent,
    SenderIdentity,
)
from outreach.models.privacy import ExportLog, SuppressionEntry, email_hash

__all__ = [
    "ActivityEvent", "BounceReason", "Contact", "ContactImport", "ContactList", "ExportLog", "FollowUp", "InboundMessage",
    "JournalistProfile", "Language", "ListMembership", "Mailing", "MailingAttachment", "MailingContent", "MailingVariant",
    "Message",
    "MessageEvent", "Organisation", "OrganisationKind", "ProtagonistProfile", "Segment", "SenderIdentity",
    "SuppressionEntry", "email_hash",
]
