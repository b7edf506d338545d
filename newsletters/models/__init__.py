"""Newsletters, their consent texts, and subscriptions with their proof log.

Public names are re-exported here. Submodules depend on each other in one
direction: newsletters (newsletter, consent texts), then subscriptions.
"""

from newsletters.models.newsletters import ConsentText, Newsletter
from newsletters.models.subscriptions import Subscription, SubscriptionEvent

__all__ = ["ConsentText", "Newsletter", "Subscription", "SubscriptionEvent"]
