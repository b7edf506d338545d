"""Mail Amazon SES received for us: signed SNS "Received" notifications posted to /o/sns/, the raw mail
in S3 (moto in server mode on loopback, so boto3 speaks real HTTP) or in the notification itself.

The messages the sample mails answer were sent first (inbound_fixtures.sent_messages), so bounces and
replies find them by their tokens, as in production.
"""

import base64
import logging
import socket
import uuid

import boto3
import pytest

from outreach.models import (
    ActivityEvent,
    Contact,
    InboundMessage,
    Message,
    MessageEvent,
    SuppressionEntry,
    email_hash,
)
from outreach.sns.receiving import envelope_recipient_ours, ses_received_process
from tests.outreach.inbound_fixtures import inbound_storage, sample, sent_messages  # noqa: F401
from tests.outreach.sending_fixtures import MAIL_DOMAIN, mail_settings, sender  # noqa: F401
from tests.outreach.sns_fixtures import TOPIC, notification, post, sign, sns_host, sns_settings  # noqa: F401

pytestmark = pytest.mark.django_db

REGION = "eu-central-1"
INBOUND_TOPIC = "arn:aws:sns:eu-central-1:123456789012:dialogdesk-ses-inbound"
BOUNCES = f"bounces+postfixhardaaaaaaaaaaaaa@{MAIL_DOMAIN}"
REPLIES = f"reply+replygermanaaaaaaaaaaaaa@{MAIL_DOMAIN}"


@pytest.fixture(autouse=True)
def inbound_settings(sns_settings, mail_settings, moto_endpoint, aws_credentials):
    sns_settings.MAIL_SNS_TOPIC_ARNS = [TOPIC, INBOUND_TOPIC]
    sns_settings.MAIL_SES_REGION = REGION
    sns_settings.MAIL_SES_INBOUND_S3_ENDPOINT_URL = moto_endpoint
    sns_settings.MAIL_SES_INBOUND_S3_TIMEOUT = 5
    sns_settings.MAIL_SES_INBOUND_DELETE = False
    sns_settings.MAIL_SES_INBOUND_BUCKETS = []
    return sns_settings


@pytest.fixture
def s3(moto_endpoint, aws_credentials):
    return boto3.client("s3", endpoint_url=moto_endpoint, region_name=REGION)


def new_bucket(s3) -> str:
    # One server serves the whole module: a bucket of its own per test keeps the tests apart.
    name = f"dd-inbound-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


@pytest.fixture
def bucket(s3, inbound_settings) -> str:
    """The bucket the receipt rule writes to, on the allow-list."""
    name = new_bucket(s3)
    inbound_settings.MAIL_SES_INBOUND_BUCKETS = [name]
    return name


def stored(s3, bucket: str, raw: bytes) -> str:
    """Put raw where SES's S3 action would (prefix "inbound/", then SES's message id); returns the key."""
    key = f"inbound/{uuid.uuid4().hex}"
    s3.put_object(Bucket=bucket, Key=key, Body=raw)
    return key


def object_exists(s3, bucket: str, key: str) -> bool:
    return s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0) == 1


def s3_action(bucket: str, key: str) -> dict:
    return {"type": "S3", "topicArn": INBOUND_TOPIC, "bucketName": bucket, "objectKeyPrefix": "inbound",
            "objectKey": key}


def sns_action(encoding: str) -> dict:
    return {"type": "SNS", "topicArn": INBOUND_TOPIC, "encoding": encoding}


def received(action: dict, *, recipients: list[str], content: str | None = None, spam: str = "PASS",
             virus: str = "PASS") -> dict:
    """The SES "Received" notification, in the shape of the AWS docs' examples."""
    notification = {
        "notificationType": "Received",
        "receipt": {
            "timestamp": "2026-11-25T10:00:00.000Z", "processingTimeMillis": 222, "recipients": recipients,
            "spamVerdict": {"status": spam}, "virusVerdict": {"status": virus},
            "spfVerdict": {"status": "PASS"}, "dkimVerdict": {"status": "PASS"},
            "dmarcVerdict": {"status": "PASS"}, "action": action,
        },
        "mail": {
            "timestamp": "2026-11-25T10:00:00.000Z", "source": "mailer-daemon@example-zeitung.de",
            "messageId": "d6iitobk75ur44p8kdnnp7g2n800", "destination": recipients, "headersTruncated": False,
            "headers": [], "commonHeaders": {},
        },
    }
    if content is not None:
        notification["content"] = content
    return notification


def deliver(client, sns_host: str, message: dict, *, message_id: str = "5a1b2c3d-0000-4000-8000-000000000001"):
    payload = notification(sns_host, message, message_id=message_id, topic=INBOUND_TOPIC,
                           subject="Amazon SES Email Receipt Notification")
    return post(client, sign(payload))


def suppression(address: str):
    return SuppressionEntry.objects.filter(email_hash=email_hash(address)).first()


def nothing_recorded(*messages: Message) -> None:
    assert not InboundMessage.objects.exists()
    for message in messages:
        assert Message.objects.get(pk=message.pk).status == Message.Status.ACCEPTED
        assert not message.events.exists()


def test_s3_action_bounce_bounces_the_message_and_suppresses_the_address(client, sns_host, s3, bucket,
                                                                          sent_messages):
    message = sent_messages["postfix_hard.eml"]
    key = stored(s3, bucket, sample("postfix_hard.eml"))

    response = deliver(client, sns_host, received(s3_action(bucket, key), recipients=[BOUNCES]))

    assert response.status_code == 204
    message.refresh_from_db()
    contact = Contact.objects.get(pk=message.contact_id)
    assert message.status == Message.Status.BOUNCED and "User unknown" in message.last_error
    assert message.events.get(kind=MessageEvent.Kind.BOUNCE).data["hard"] is True
    assert (contact.bounce_state, contact.is_stale) == (Contact.BounceState.HARD, True)
    assert suppression(message.email).reason == SuppressionEntry.Reason.HARD_BOUNCE
    inbound = InboundMessage.objects.get()
    assert (inbound.kind, inbound.source, inbound.message) == ("bounce", "ses-inbound", message)
    assert object_exists(s3, bucket, key)  # MAIL_SES_INBOUND_DELETE is off by default


def test_sns_action_base64_reply_is_stored_byte_for_byte(client, sns_host, sent_messages):
    message = sent_messages["reply_german.eml"]
    raw = sample("reply_german.eml")
    content = base64.b64encode(raw).decode("ascii")

    response = deliver(client, sns_host, received(sns_action("BASE64"), recipients=[REPLIES], content=content))

    assert response.status_code == 204
    inbound = InboundMessage.objects.get()
    assert (inbound.kind, inbound.message, inbound.source) == ("reply", message, "ses-inbound")
    assert "Pressemappe" in inbound.text
    with inbound.raw.open("rb") as stored_raw:
        assert stored_raw.read() == raw
    contact = Contact.objects.get(pk=message.contact_id)
    assert contact.activity.filter(kind=ActivityEvent.Kind.REPLIED).count() == 1


def test_sns_action_utf8_keeps_the_umlauts(client, sns_host, sent_messages):
    content = sample("reply_german.eml").decode("utf-8")

    response = deliver(client, sns_host, received(sns_action("UTF8"), recipients=[REPLIES], content=content))

    assert response.status_code == 204
    inbound = InboundMessage.objects.get()
    assert (inbound.kind, inbound.message) == ("reply", sent_messages["reply_german.eml"])
    assert "Mit freundlichen Grüßen" in inbound.text and "Können Sie" in inbound.text


@pytest.mark.parametrize("allowed", ["none", "another"])
def test_bucket_not_on_the_allow_list_is_not_read(client, sns_host, s3, inbound_settings, sent_messages, caplog,
                                                  allowed):
    elsewhere = new_bucket(s3)
    inbound_settings.MAIL_SES_INBOUND_BUCKETS = [] if allowed == "none" else [new_bucket(s3)]
    # With deletion on, a fetch and processing would also have removed the object.
    inbound_settings.MAIL_SES_INBOUND_DELETE = True
    key = stored(s3, elsewhere, sample("postfix_hard.eml"))

    with caplog.at_level(logging.WARNING, logger="outreach.sns.receiving"):
        response = deliver(client, sns_host, received(s3_action(elsewhere, key), recipients=[BOUNCES]))

    assert response.status_code == 204
    assert object_exists(s3, elsewhere, key)
    nothing_recorded(sent_messages["postfix_hard.eml"])
    assert "not in MAIL_SES_INBOUND_BUCKETS" in caplog.text


@pytest.mark.parametrize("action", ["S3", "SNS"])
def test_virus_verdict_fail_is_not_processed(client, sns_host, s3, bucket, inbound_settings, sent_messages, caplog,
                                             action):
    inbound_settings.MAIL_SES_INBOUND_DELETE = True
    raw = sample("reply_german.eml")
    key = stored(s3, bucket, raw)
    message = (received(s3_action(bucket, key), recipients=[REPLIES], virus="FAIL") if action == "S3" else
               received(sns_action("BASE64"), recipients=[REPLIES], virus="FAIL",
                        content=base64.b64encode(raw).decode("ascii")))

    with caplog.at_level(logging.WARNING, logger="outreach.sns.receiving"):
        response = deliver(client, sns_host, message)

    assert response.status_code == 204
    nothing_recorded(sent_messages["reply_german.eml"])
    assert object_exists(s3, bucket, key)
    assert "virus" in caplog.text


def test_spam_verdict_fail_is_processed_and_noted(sent_messages):
    # Bounces quote our own mailing, and filters often flag them: they must still count.
    content = base64.b64encode(sample("postfix_hard.eml")).decode("ascii")

    result = ses_received_process(sns_message_id="spam-1", notification=received(
        sns_action("BASE64"), recipients=[BOUNCES], content=content, spam="FAIL"))

    assert (result["is_spam"], result["spam_verdict"], result["ignored"]) == (True, "FAIL", False)
    assert result["inbound"]["kind"] == "bounce"
    assert Message.objects.get(pk=sent_messages["postfix_hard.eml"].pk).status == Message.Status.BOUNCED


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_s3_unreachable_answers_503_and_the_retry_succeeds(client, sns_host, s3, bucket, inbound_settings,
                                                           moto_endpoint, sent_messages):
    key = stored(s3, bucket, sample("postfix_hard.eml"))
    message = received(s3_action(bucket, key), recipients=[BOUNCES])
    inbound_settings.MAIL_SES_INBOUND_S3_ENDPOINT_URL = f"http://127.0.0.1:{closed_port()}"

    response = deliver(client, sns_host, message)

    assert response.status_code == 503
    nothing_recorded(sent_messages["postfix_hard.eml"])

    # SNS delivers the same notification again; by then S3 answers.
    inbound_settings.MAIL_SES_INBOUND_S3_ENDPOINT_URL = moto_endpoint
    assert deliver(client, sns_host, message).status_code == 204
    assert Message.objects.get(pk=sent_messages["postfix_hard.eml"].pk).status == Message.Status.BOUNCED


def test_allowed_bucket_that_s3_refuses_answers_503(client, sns_host, inbound_settings, sent_messages):
    # On the allow-list but not there (a typo, a policy): fixable while SNS still retries, and visible there.
    inbound_settings.MAIL_SES_INBOUND_BUCKETS = ["dd-inbound-never-created"]

    response = deliver(client, sns_host, received(s3_action("dd-inbound-never-created", "inbound/x"),
                                                  recipients=[BOUNCES]))

    assert response.status_code == 503
    nothing_recorded(sent_messages["postfix_hard.eml"])


def test_missing_object_is_no_error_for_sns(client, sns_host, s3, bucket, sent_messages):
    response = deliver(client, sns_host, received(s3_action(bucket, "inbound/not-there"), recipients=[BOUNCES]))

    assert response.status_code == 204
    nothing_recorded(sent_messages["postfix_hard.eml"])


def test_same_notification_twice_acts_once(client, sns_host, s3, bucket, sent_messages):
    message = sent_messages["postfix_hard.eml"]
    notification_ = received(s3_action(bucket, stored(s3, bucket, sample("postfix_hard.eml"))),
                             recipients=[BOUNCES])

    assert deliver(client, sns_host, notification_).status_code == 204
    assert deliver(client, sns_host, notification_).status_code == 204

    assert InboundMessage.objects.count() == 1
    assert message.events.filter(kind=MessageEvent.Kind.BOUNCE).count() == 1
    assert Contact.objects.get(pk=message.contact_id).activity.filter(kind=ActivityEvent.Kind.BOUNCED).count() == 1


def test_delete_after_processing_and_a_second_copy_finds_nothing(client, sns_host, s3, bucket, inbound_settings,
                                                                 sent_messages):
    inbound_settings.MAIL_SES_INBOUND_DELETE = True
    key = stored(s3, bucket, sample("postfix_hard.eml"))
    notification_ = received(s3_action(bucket, key), recipients=[BOUNCES])

    assert deliver(client, sns_host, notification_).status_code == 204
    assert not object_exists(s3, bucket, key)
    assert InboundMessage.objects.get().kind == "bounce"

    # SNS delivers at least once: the second copy finds the object gone, which is no error.
    assert deliver(client, sns_host, notification_).status_code == 204
    assert InboundMessage.objects.count() == 1


def test_envelope_recipient_finds_the_message_when_the_headers_do_not(sent_messages):
    # A new mail, no In-Reply-To, to the press office's address: only the RCPT TO carries the token.
    raw = ("From: =?utf-8?q?Katrin_M=C3=BCller?= <k.mueller@tageszeitung.example>\r\n"
           "To: Pressestelle <presse@dialogdesk.test>\r\nSubject: Frage zur Einladung\r\n"
           "Message-ID: <frage-1@tageszeitung.example>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0100\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nGibt es eine Pressemappe?\r\n")
    recipients = ["presse@dialogdesk.test", REPLIES]

    result = ses_received_process(sns_message_id="envelope-1", notification=received(
        sns_action("UTF8"), recipients=recipients, content=raw))

    assert result["envelope_recipient"] == REPLIES
    assert result["inbound"]["matched_by"] == "envelope recipient"
    assert InboundMessage.objects.get().message == sent_messages["reply_german.eml"]


def test_envelope_recipient_is_one_of_ours_or_none(mail_settings):
    ours = f"Reply+X@{MAIL_DOMAIN.upper()}"
    assert envelope_recipient_ours(["a@example.org", ours]) == ours
    assert envelope_recipient_ours(["a@example.org"]) is None
    assert envelope_recipient_ours(None) is None


@pytest.mark.parametrize("action", [
    {"type": "Lambda", "functionArn": "arn:aws:lambda:eu-central-1:123456789012:function:x",
     "invocationType": "Event"},
    {"type": "Bounce", "smtpReplyCode": "550", "statusCode": "5.1.1", "message": "mailbox does not exist",
     "sender": "mailer-daemon@dialogdesk.test"},
    {"type": "SNS", "encoding": "BASE64"},  # content missing
])
def test_notification_without_the_mail_is_ignored(client, sns_host, sent_messages, action):
    assert deliver(client, sns_host, received(action, recipients=[BOUNCES])).status_code == 204
    nothing_recorded(sent_messages["postfix_hard.eml"])


def test_sns_action_with_broken_base64_is_ignored(client, sns_host, sent_messages):
    message = received(sns_action("BASE64"), recipients=[REPLIES], content="not base64 at all!")

    assert deliver(client, sns_host, message).status_code == 204
    nothing_recorded(sent_messages["reply_german.eml"])

