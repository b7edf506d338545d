"""POST /o/sns/: SNS signatures (v1 SHA1, v2 SHA256), topic and certificate-host checks, SES feedback effects.

The notifications are signed with the test key of sns_fixtures; the certificate
is served, and subscription confirmations are received, by a real HTTP server on
127.0.0.1 that MAIL_SNS_CERT_URL_PATTERN lets through.
"""

import base64
import copy

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.urls import reverse

from outreach.models import (
    ActivityEvent,
    Contact,
    InboundMessage,
    Message,
    MessageEvent,
    SuppressionEntry,
    email_hash,
)
from outreach.sns.verify import DEFAULT_URL_PATTERN, canonical_string, sns_url_allowed
from tests.outreach.factories import ContactFactory
from tests.outreach.sending_fixtures import mail_settings, make_mailing, sender  # noqa: F401
from tests.outreach.sns_fixtures import TOPIC, FakeSNSHost, notification, post, sign, sns_host, sns_settings  # noqa: F401

pytestmark = pytest.mark.django_db

SES_ID = "0100018c2e4f7a6b-5c1d2e3f-aaaa-bbbb-cccc-0123456789ab-000000"


def ses_mail(recipient: str) -> dict:
    # The "mail" object of the AWS docs' examples, for one of our messages.
    return {
        "timestamp": "2026-11-25T09:59:58.123Z", "source": "presse@dialogdesk.test",
        "sourceArn": "arn:aws:ses:eu-central-1:123456789012:identity/dialogdesk.test", "sourceIp": "127.0.3.0",
        "sendingAccountId": "123456789012", "callerIdentity": "dialogdesk", "messageId": SES_ID,
        "destination": [recipient], "headersTruncated": False,
        "headers": [{"name": "From", "value": "presse@dialogdesk.test"}, {"name": "To", "value": recipient}],
        "commonHeaders": {"from": ["presse@dialogdesk.test"], "to": [recipient],
                          "subject": "Einladung zum Industriedialog"},
    }


def bounce(recipient: str, *, bounce_type: str = "Permanent", sub_type: str = "General",
           status: str = "5.1.1", diagnostic: str = "smtp; 550 5.1.1 user unknown") -> dict:
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": bounce_type, "bounceSubType": sub_type,
            "bouncedRecipients": [{"emailAddress": recipient, "action": "failed", "status": status,
                                   "diagnosticCode": diagnostic}],
            "timestamp": "2026-11-25T10:00:00.237Z", "feedbackId": "00000137860315fd-34208509-5b74-41f3-95c5",
            "remoteMtaIp": "127.0.2.0", "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com",
        },
        "mail": ses_mail(recipient),
    }


def complaint(recipient: str, feedback_type: str = "abuse") -> dict:
    return {
        "notificationType": "Complaint",
        "complaint": {
            "userAgent": "AnyCompany Feedback Loop (V0.01)", "complainedRecipients": [{"emailAddress": recipient}],
            "complaintFeedbackType": feedback_type, "arrivalDate": "2026-11-25T10:00:00.000Z",
            "timestamp": "2026-11-25T10:00:01.000Z", "feedbackId": "000001378603177f-18c07c78-fa81-4a58",
        },
        "mail": ses_mail(recipient),
    }


def delivery(recipient: str) -> dict:
    return {
        "notificationType": "Delivery", "mail": ses_mail(recipient),
        "delivery": {"timestamp": "2026-11-25T10:00:00.546Z", "processingTimeMillis": 546, "recipients": [recipient],
                     "smtpResponse": "250 ok:  Message 64111812 accepted", "remoteMtaIp": "207.171.163.188",
                     "reportingMTA": "a8-70.smtp-out.amazonses.com"},
    }


@pytest.fixture
def sent(mail_settings, sender):
    """A message SES accepted under SES_ID, to a contact with one soft bounce behind it."""
    contact = ContactFactory(email="k.mueller@lokalblatt.example", bounce_state=Contact.BounceState.SOFT,
                             soft_bounce_count=1)
    mailing = make_mailing(sender=sender, contacts=[contact])
    return Message.objects.create(mailing=mailing, contact=contact, email=contact.email, locale="de",
                                  status=Message.Status.ACCEPTED, provider_message_id=SES_ID)


def suppression(address: str):
    return SuppressionEntry.objects.filter(email_hash=email_hash(address)).first()


@pytest.mark.parametrize("version", ["1", "2"])
def test_signed_permanent_bounce_is_a_hard_bounce(client, sns_host, sent, version):
    response = post(client, sign(notification(sns_host, bounce(sent.email)), version=version))

    assert response.status_code == 204
    sent.refresh_from_db()
    contact = Contact.objects.get(pk=sent.contact_id)
    assert sent.status == Message.Status.BOUNCED and "user unknown" in sent.last_error
    event = sent.events.get(kind=MessageEvent.Kind.BOUNCE)
    assert event.data["hard"] is True and event.data["status"] == "5.1.1"
    assert (contact.bounce_state, contact.is_stale) == (Contact.BounceState.HARD, True)
    assert suppression(sent.email).reason == SuppressionEntry.Reason.HARD_BOUNCE
    assert contact.activity.filter(kind=ActivityEvent.Kind.BOUNCED).count() == 1
    inbound = InboundMessage.objects.get()
    assert (inbound.kind, inbound.source, inbound.message) == ("bounce", "ses", sent)
    assert FakeSNSHost.fetched == ["/SimpleNotificationService-test.pem"]


def test_the_same_notification_twice_acts_once_and_the_certificate_is_cached(client, sns_host, sent):
    payload = sign(notification(sns_host, bounce(sent.email)))
    post(client, payload)

    assert post(client, payload).status_code == 204

    assert InboundMessage.objects.count() == 1
    assert sent.events.filter(kind=MessageEvent.Kind.BOUNCE).count() == 1
    assert FakeSNSHost.fetched == ["/SimpleNotificationService-test.pem"]


def test_signed_notification_with_a_subject_verifies(client, sns_host, sent):
    payload = sign(notification(sns_host, bounce(sent.email), subject="Amazon SES Bounce"), version="2")

    assert post(client, payload).status_code == 204
    assert Message.objects.get(pk=sent.pk).status == Message.Status.BOUNCED


def test_transient_bounce_is_soft(client, sns_host, sent):
    message = bounce(sent.email, bounce_type="Transient", sub_type="MailboxFull", status="4.2.2",
                     diagnostic="smtp; 452 4.2.2 mailbox full")

    assert post(client, sign(notification(sns_host, message))).status_code == 204

    contact = Contact.objects.get(pk=sent.contact_id)
    assert (contact.bounce_state, contact.soft_bounce_count, contact.is_stale) == (Contact.BounceState.SOFT, 2, False)
    assert suppression(sent.email) is None
    assert sent.events.get(kind=MessageEvent.Kind.BOUNCE).data["hard"] is False


def test_complaint_suppresses_and_goes_on_the_timeline(client, sns_host, sent):
    assert post(client, sign(notification(sns_host, complaint(sent.email)))).status_code == 204

    assert suppression(sent.email).reason == SuppressionEntry.Reason.COMPLAINT
    contact = Contact.objects.get(pk=sent.contact_id)
    assert contact.is_stale
    assert contact.activity.filter(kind=ActivityEvent.Kind.COMPLAINED).exists()
    assert sent.events.filter(kind=MessageEvent.Kind.COMPLAINT).exists()
    assert InboundMessage.objects.get().kind == "complaint"


def test_delivery_is_recorded_once_and_resets_soft_bounces(client, sns_host, sent):
    first = sign(notification(sns_host, delivery(sent.email)))
    again = sign(notification(sns_host, delivery(sent.email), message_id="8f3c2f4e-1111-4a5b-9c0d-000000000002"))

    assert post(client, first).status_code == 204
    assert post(client, again).status_code == 204

    event = sent.events.get(kind=MessageEvent.Kind.DELIVERY)
    assert event.data["smtp_response"].startswith("250 ok")
    contact = Contact.objects.get(pk=sent.contact_id)
    assert (contact.bounce_state, contact.soft_bounce_count) == (Contact.BounceState.OK, 0)
    assert not InboundMessage.objects.exists()


def test_notification_for_a_message_we_did_not_send_changes_nothing(client, sns_host, sent):
    message = bounce("fremd@example.org")
    message["mail"]["messageId"] = "0100018c-someone-else"

    assert post(client, sign(notification(sns_host, message))).status_code == 204

    assert Message.objects.get(pk=sent.pk).status == Message.Status.ACCEPTED
    assert not MessageEvent.objects.exists() and not SuppressionEntry.objects.exists()


def _nothing_happened(sent):
    assert Message.objects.get(pk=sent.pk).status == Message.Status.ACCEPTED
    assert not InboundMessage.objects.exists() and not MessageEvent.objects.exists()
    assert not SuppressionEntry.objects.exists()


def test_tampered_body_is_refused(client, sns_host, sent):
    payload = sign(notification(sns_host, bounce(sent.email, bounce_type="Transient")))
    payload["Message"] = payload["Message"].replace("Transient", "Permanent")

    assert post(client, payload).status_code == 403
    _nothing_happened(sent)


def test_signature_by_another_key_is_refused(client, sns_host, sent):
    payload = sign(notification(sns_host, bounce(sent.email)))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    payload["Signature"] = base64.b64encode(other.sign(canonical_string(payload), padding.PKCS1v15(),
                                                       hashes.SHA1())).decode()

    assert post(client, payload).status_code == 403
    _nothing_happened(sent)


def test_unknown_topic_is_refused_without_fetching_anything(client, sns_host, sent):
    payload = sign(notification(sns_host, bounce(sent.email), topic="arn:aws:sns:eu-central-1:999999999999:other"))

    assert post(client, payload).status_code == 403
    _nothing_happened(sent)
    assert FakeSNSHost.fetched == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.2:{port}/SimpleNotificationService-test.pem",
    "https://sns.eu-central-1.amazonaws.com.evil.example/SimpleNotificationService-test.pem",
    "{host}/not-a-certificate.txt",
])
def test_certificate_off_the_sns_host_is_refused(client, sns_host, sent, url):
    payload = notification(sns_host, bounce(sent.email))
    payload["SigningCertURL"] = url.format(port=sns_host.rsplit(":", 1)[1], host=sns_host)

    assert post(client, sign(payload)).status_code == 403
    _nothing_happened(sent)
    assert FakeSNSHost.fetched == []


def test_expired_certificate_is_refused(client, sns_host, sent):
    payload = notification(sns_host, bounce(sent.email))
    payload["SigningCertURL"] = f"{sns_host}/SimpleNotificationService-expired.pem"

    assert post(client, sign(payload)).status_code == 403
    _nothing_happened(sent)


def test_unknown_signature_version_and_non_sns_bodies(client, sns_host, sent):
    payload = sign(notification(sns_host, bounce(sent.email)))
    payload["SignatureVersion"] = "3"
    assert post(client, payload).status_code == 403
    assert client.post(reverse("outreach:sns"), data="not json", content_type="text/plain").status_code == 400
    assert post(client, {"Type": "Something", "TopicArn": TOPIC}).status_code == 400
    assert client.get(reverse("outreach:sns")).status_code == 405
    _nothing_happened(sent)


def subscription(sns_host: str, *, subscribe_url: str | None = None) -> dict:
    return {
        "Type": "SubscriptionConfirmation", "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3",
        "TopicArn": TOPIC,
        "Message": f"You have chosen to subscribe to the topic {TOPIC}.\nTo confirm the subscription, "
                   "visit the SubscribeURL included in this message.",
        "SubscribeURL": subscribe_url or f"{sns_host}/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=2336412f",
        "Timestamp": "2026-11-25T10:00:00.000Z", "SigningCertURL": f"{sns_host}/SimpleNotificationService-test.pem",
    }


@pytest.mark.parametrize("version", ["1", "2"])
def test_subscription_confirmation_visits_the_subscribe_url(client, sns_host, version):
    response = post(client, sign(subscription(sns_host), version=version))

    assert response.status_code == 204
    assert FakeSNSHost.fetched == ["/SimpleNotificationService-test.pem",
                                    f"/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=2336412f"]


def test_subscription_confirmation_elsewhere_is_not_visited(client, sns_host):
    payload = sign(subscription(sns_host, subscribe_url="http://127.0.0.2:9/?Action=ConfirmSubscription"))

    assert post(client, payload).status_code == 502
    assert FakeSNSHost.fetched == ["/SimpleNotificationService-test.pem"]


def test_tampered_subscription_confirmation_is_not_visited(client, sns_host):
    payload = sign(subscription(sns_host))
    payload = copy.deepcopy(payload)
    payload["Token"] = "forged"

    assert post(client, payload).status_code == 403
    assert not any("ConfirmSubscription" in path for path in FakeSNSHost.fetched)


def test_unsubscribe_confirmation_verifies_and_does_nothing(client, sns_host):
    payload = subscription(sns_host)
    payload["Type"] = "UnsubscribeConfirmation"

    assert post(client, sign(payload, version="2")).status_code == 204
    assert FakeSNSHost.fetched == ["/SimpleNotificationService-test.pem"]


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-abc.pem", True),
    ("https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem", True),
    ("http://sns.eu-central-1.amazonaws.com/SimpleNotificationService-abc.pem", False),
    ("https://sns.eu-central-1.amazonaws.com.evil.example/x.pem", False),
    ("https://sns.eu-central-1.amazonaws.com@evil.example/x.pem", False),
    ("https://evil.example/https://sns.eu-central-1.amazonaws.com/x.pem", False),
    ("https://sns.eu-central-1.amazonaws.com\\@evil.example/x.pem", False),
    ("https://s3.eu-central-1.amazonaws.com/x.pem", False),
    ("", False),
])
def test_production_pattern_allows_only_sns_hosts(settings, url, allowed):
    del settings.MAIL_SNS_CERT_URL_PATTERN

    assert sns_url_allowed(url) is allowed
    assert DEFAULT_URL_PATTERN.startswith("^https://")
