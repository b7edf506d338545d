"""Confirming the subscription of our endpoint to an SNS topic, as SNS asks in its first message."""

import logging
import urllib.error
import urllib.request

from outreach.sns.verify import NoRedirects, sns_url_allowed

logger = logging.getLogger(__name__)


class SubscriptionConfirmError(Exception):
    pass


def sns_subscription_confirm(*, payload: dict) -> None:
    """GET the SubscribeURL of a verified SubscriptionConfirmation; only on an SNS host, no redirects.

    The caller has checked the signature and the topic: confirming is what makes
    SNS start sending, so it must not happen for a topic we did not ask for.
    """
    url = payload.get("SubscribeURL", "")
    if not sns_url_allowed(url):
        raise SubscriptionConfirmError(f"SubscribeURL not on an SNS host: {url!r}")
    try:
        with urllib.request.build_opener(NoRedirects).open(url, timeout=10) as response:
            response.read(64 * 1024)
            if response.status != 200:
                raise SubscriptionConfirmError(f"SNS answered {response.status}")
    except (urllib.error.URLError, OSError) as exc:
        raise SubscriptionConfirmError(f"cannot confirm the subscription: {exc}") from exc
    logger.info("Confirmed the SNS subscription to %s", payload.get("TopicArn"))
