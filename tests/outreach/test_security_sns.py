"""POST /o/sns/ with hostile JSON (issue #9, finding 7): deeply nested or oversized bodies, in the SNS envelope
or in the Message inside a genuinely signed one, are a 400 in text/plain, never a 500 and never an echo."""

import json

import pytest
from django.urls import reverse

from outreach.models import InboundMessage, MessageEvent
from tests.outreach.sending_fixtures import mail_settings, sender  # noqa: F401
from tests.outreach.sns_fixtures import TOPIC, FakeSNSHost, notification, post, sign, sns_host, sns_settings  # noqa: F401

pytestmark = pytest.mark.django_db

MARKER = "<script>alert(1)</script>"


def raw_post(client, body: str):
    return client.post(reverse("outreach:sns"), data=body, content_type="text/plain",
                       HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification")


def assert_refused(response):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert MARKER.encode() not in response.content


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,  # a RecursionError in json.loads before the fix
    '{"a":' * 50_000 + json.dumps(MARKER) + "}" * 50_000,
    json.dumps({"Type": "Notification", "TopicArn": TOPIC, "Message": "x" * (3 * 1024 * 1024)}),
])
def test_a_deep_or_huge_envelope_is_a_400_before_any_other_check(client, body):
    response = raw_post(client, body)

    assert_refused(response)
    assert FakeSNSHost.fetched == []  # not even the certificate was fetched


def test_a_moderately_nested_envelope_is_still_read(client):
    # 20 levels is more than any SNS message has; it gets the ordinary answer for a non-SNS body.
    nested = []
    for _level in range(20):
        nested = [nested]
    body = json.dumps({"Type": "Notification", "TopicArn": "arn:aws:sns:other", "Extra": nested})
    assert raw_post(client, body).status_code == 403


def test_a_deep_message_inside_a_signed_notification_is_a_400(client, sns_host):
    payload = sign({**notification(sns_host, {}), "Message": "[" * 100_000 + "]" * 100_000})

    response = post(client, payload)

    assert_refused(response)
    assert not InboundMessage.objects.exists() and not MessageEvent.objects.exists()


def test_brackets_inside_strings_do_not_count_as_nesting(client, sns_host):
    # A bounce's diagnostic text may hold any characters; only real nesting is refused.
    message = {"notificationType": "Delivery", "mail": {"messageId": "nothing-we-sent"},
               "delivery": {"smtpResponse": "[" * 5000 + "{" * 5000}}
    assert post(client, sign(notification(sns_host, message))).status_code == 204
