"""Editorial content of Dialogdesk.

Public names are re-exported here. The submodules depend on each other in one
direction only: snippets and base, then regions, initiatives, content, webhooks.
"""

from cms.models.base import HeadlessPage, HomePage, IndexPage
from cms.models.content import (
    EventIndexPage,
    EventPage,
    NewsArticlePage,
    NewsIndexPage,
    StudyIndexPage,
    StudyPage,
)
from cms.models.initiatives import InitiativeIndexPage, InitiativePage
from cms.models.regions import FederalState, RegionContact, RegionIndexPage, RegionPage
from cms.models.snippets import PartnerOrganisation, Topic
from cms.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "EventIndexPage", "EventPage", "FederalState", "HeadlessPage", "HomePage", "IndexPage",
    "InitiativeIndexPage", "InitiativePage", "NewsArticlePage", "NewsIndexPage",
    "PartnerOrganisation", "RegionContact", "RegionIndexPage", "RegionPage", "StudyIndexPage",
    "StudyPage", "Topic", "WebhookDelivery", "WebhookEndpoint", "WebhookEvent",
]
