"""Newsletters, their consent texts, and subscriptions with their proof log.

Public names are re-exported here. Submodules depend on each other in one
direction: newsletters (newsletter, consent texts), then subscriptions, then issues (pages).
"""

from newsletters.models.newsletters import ConsentText, Newsletter
from newsletters.models.subscriptions import PurgedSignupCount, QueuedSignup, Subscription, SubscriptionEvent
from newsletters.models.issues import NewsletterIndexPage, NewsletterIssuePage  # noqa: E402 - after what it names

__all__ = ["ConsentText", "Newsletter", "NewsletterIndexPage", "NewsletterIssuePage", "PurgedSignupCount",
           "QueuedSignup", "Subscription", "SubscriptionEvent"]
