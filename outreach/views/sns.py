"""The HTTPS endpoint Amazon SNS posts to: SES bounce, complaint and delivery notifications, and mail
SES received for us.

Only messages on a topic we listen to (MAIL_SNS_TOPIC_ARNS) and with a valid SNS
signature are acted on; anything else is refused before any work, with 403 so
nobody learns more. A genuine message we cannot use still gets 2xx: SNS would
otherwise retry it for hours. Received mail that cannot be fetched from S3 right
now gets 503, so that SNS delivers the notification again. A body (or a Message in
it) too large or nested too deeply to be an SNS message gets 400 before anything
else is looked at (outreach.sns.bounded_json).
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from outreach.sns.bounded_json import JSONRefused, json_loads_bounded
from outreach.sns.notifications import MAX_DEPTH, NotificationRefused, ses_notification_process
from outreach.sns.receiving import InboundFetchError
from outreach.sns.subscriptions import SubscriptionConfirmError, sns_subscription_confirm
from outreach.sns.verify import (
    NOTIFICATION,
    SIGNED_FIELDS,
    SUBSCRIPTION_CONFIRMATION,
    SNSVerificationError,
    sns_message_verify,
)

logger = logging.getLogger(__name__)
TEXT = "text/plain; charset=utf-8"

# SNS messages are at most 256 KiB; the envelope escapes the Message once more, so its body can be
# several times that. Anything far beyond is not from SNS.
MAX_BODY_BYTES = 2 * 1024 * 1024


def _not_sns():
    # Never the input: this answer goes to whoever posted, and says only what is wrong.
    return HttpResponseBadRequest(_("This is not an Amazon SNS message."), content_type=TEXT)


def _payload(request):
    """The posted JSON object, or None for a body that is not one (or is too large or too deep to read)."""
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return None
        # SNS posts JSON as text/plain.
        payload = json_loads_bounded(request.body, max_bytes=MAX_BODY_BYTES, max_depth=MAX_DEPTH)
    except JSONRefused as exc:
        logger.warning("SNS endpoint: body refused (%s)", exc)
        return None
    except (ValueError, RequestDataTooBig):
        return None
    return payload if isinstance(payload, dict) else None


@csrf_exempt  # SNS has no session and no CSRF token; the signature is the proof of origin
@require_POST
def notifications(request):
    payload = _payload(request)
    if payload is None or payload.get("Type") not in SIGNED_FIELDS:
        return _not_sns()
    # The topic first: a message for a topic we do not listen to costs us no certificate fetch.
    if payload.get("TopicArn") not in getattr(settings, "MAIL_SNS_TOPIC_ARNS", []):
        logger.warning("SNS message for a topic we do not listen to: %r", payload.get("TopicArn"))
        return HttpResponseForbidden(_("Unknown topic."), content_type=TEXT)
    try:
        sns_message_verify(payload)
    except SNSVerificationError as exc:
        logger.warning("SNS message %r refused: %s", payload.get("MessageId"), exc)
        return HttpResponseForbidden(_("The signature is not valid."), content_type=TEXT)

    if payload["Type"] == SUBSCRIPTION_CONFIRMATION:
        try:
            sns_subscription_confirm(payload=payload)
        except SubscriptionConfirmError as exc:
            logger.error("SNS subscription to %s not confirmed: %s", payload.get("TopicArn"), exc)
            return HttpResponse(_("Could not confirm the subscription."), status=502, content_type=TEXT)
    elif payload["Type"] == NOTIFICATION:
        try:
            ses_notification_process(sns_message_id=str(payload.get("MessageId", "")),
                                     message=payload.get("Message", ""))
        except NotificationRefused as exc:
            logger.warning("SNS message %r: its Message refused (%s)", payload.get("MessageId"), exc)
            return HttpResponseBadRequest(_("The message is too large or nested too deeply."),
                                          content_type="text/plain")
        except InboundFetchError as exc:
            logger.error("SNS message %r: received mail not fetched, SNS will retry: %s", payload.get("MessageId"),
                         exc)
            return HttpResponse(_("The mail could not be fetched; try again later."), status=503,
                                content_type=TEXT)
    # UnsubscribeConfirmation: nothing to do; the subscription is gone, and re-subscribing is a person's decision.
    return HttpResponse(status=204)
