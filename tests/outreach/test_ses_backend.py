"""Sending a mailing through Amazon SES v2: against moto in server mode, and a stub that answers like SES when it refuses.

boto3 speaks real HTTP to real processes on 127.0.0.1 in both cases.
"""

import json
import threading
import time
import urllib.request
from email.utils import getaddresses
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import boto3
import pytest

from outreach.delivery import delivery_backend
from outreach.delivery.base import PermanentDeliveryError, TransientDeliveryError
from outreach.delivery.headers import unsubscribe_mailto
from outreach.delivery.ses import SESBackend
from outreach.models import Mailing, Message
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from tests.outreach.sending_fixtures import (  # noqa: F401
    MAIL_DOMAIN,
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
)

pytestmark = pytest.mark.django_db

REGION = "eu-central-1"




@pytest.fixture
def ses_settings(mail_settings, moto_endpoint, aws_credentials):
    mail_settings.MAIL_BACKEND = "ses"
    mail_settings.MAIL_SES_REGION = REGION
    mail_settings.MAIL_SES_ENDPOINT_URL = moto_endpoint
    return mail_settings


def verify_identity(endpoint: str, identity: str) -> None:
    boto3.client("sesv2", endpoint_url=endpoint, region_name=REGION).create_email_identity(EmailIdentity=identity)


def sent_through_moto(endpoint: str, ids: set[str]) -> dict[str, dict]:
    """What moto's SES holds for these message ids, read over its HTTP model-data endpoint."""
    with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=10) as response:
        data = json.load(response)
    raw = data.get("ses", {}).get("RawMessage", [])
    return {item["id"]: item for item in raw if item["id"] in ids}


def test_factory_builds_the_ses_backend(ses_settings):
    assert isinstance(delivery_backend(folder="1"), SESBackend)


def test_mailing_goes_out_through_ses(ses_settings, moto_endpoint, sender):
    verify_identity(moto_endpoint, sender.from_email)
    contacts = make_contacts(3, prefix="ses-empfaenger")
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=contacts, locales=("de",)))

    result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-ses")

    assert result.accepted == 3
    messages = {m.email: m for m in Message.objects.filter(mailing=mailing)}
    assert all(m.status == Message.Status.ACCEPTED and m.provider_message_id for m in messages.values())
    stored = sent_through_moto(moto_endpoint, {m.provider_message_id for m in messages.values()})
    assert len(stored) == 3
    for email, message in messages.items():
        item = stored[message.provider_message_id]
        # moto adds the To header's address to the destinations it was given: the same one here.
        assert {address for _, address in getaddresses(item["destinations"])} == {email}
        # SES sets the envelope sender itself; the Message-ID and the unsubscribe address lead back instead.
        assert f"<{message.token}@{MAIL_DOMAIN}>" in item["raw_data"]
        assert unsubscribe_mailto(message.token, message_pk=message.pk) in item["raw_data"]
        assert sender.from_email in item["raw_data"]
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT


def test_unverified_sender_is_refused_for_good(ses_settings, sender):
    sender.from_email = "niemand@unverified.test"
    sender.save()
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=make_contacts(2, prefix="ses-x"),
                                                locales=("de",)))

    result = message_batch_send(mailing_id=mailing.pk, worker_task_id="task-ses-2")

    assert (result.accepted, result.failed, result.bounced) == (0, 2, 0)
    statuses = set(Message.objects.filter(mailing=mailing).values_list("status", "last_error"))
    assert {status for status, _ in statuses} == {Message.Status.FAILED}
    assert all("MessageRejected" in error for _, error in statuses)


class _SESStub(BaseHTTPRequestHandler):
    """Answers every SendEmail the way SES answers when it refuses: status, x-amzn-ErrorType, JSON body."""

    status, code = 429, "TooManyRequestsException"
    requests: ClassVar[list[dict]] = []

    def do_POST(self):
        type(self).requests.append(json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0)))))
        if self.status == 200:
            body = json.dumps({"MessageId": "0100018c-stub"}).encode()
        else:
            body = json.dumps({"message": f"stubbed {self.code}"}).encode()
        self.send_response(self.status)
        if self.status != 200:
            self.send_header("x-amzn-ErrorType", self.code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def ses_stub(settings, aws_credentials):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SESStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MAIL_SES_REGION = REGION
    settings.MAIL_SES_ENDPOINT_URL = f"http://127.0.0.1:{server.server_port}"
    _SESStub.requests = []
    yield _SESStub
    server.shutdown()
    server.server_close()


def _send_one() -> str:
    backend = SESBackend()
    backend.open()
    try:
        return backend.send("bounces+abc@mail.dialogdesk.test", "a@example.org",
                     b"From: presse@dialogdesk.test\r\nTo: a@example.org\r\nSubject: x\r\n\r\nHallo\r\n")
    finally:
        backend.close()


@pytest.mark.parametrize(("status", "code"), [
    (429, "TooManyRequestsException"), (429, "LimitExceededException"), (503, "ServiceUnavailable"),
    (500, "InternalFailure"),
])
def test_throttling_and_outages_are_transient_and_stop_the_batch(ses_stub, status, code):
    ses_stub.status, ses_stub.code = status, code

    with pytest.raises(TransientDeliveryError) as raised:
        _send_one()

    assert raised.value.connection_lost and code in str(raised.value)
    assert len(ses_stub.requests) == 3  # botocore's own quick retries, then the sending task's backoff


@pytest.mark.parametrize("code", [
    "MessageRejected", "AccountSuspendedException", "MailFromDomainNotVerifiedException",
])
def test_refusals_are_permanent_and_not_bounces(ses_stub, code):
    ses_stub.status, ses_stub.code = 400, code

    with pytest.raises(PermanentDeliveryError) as raised:
        _send_one()

    assert code in str(raised.value) and not raised.value.is_bounce


def test_unreachable_endpoint_is_transient(settings, aws_credentials):
    settings.MAIL_SES_REGION = REGION
    settings.MAIL_SES_ENDPOINT_URL = "http://127.0.0.1:9"  # discard port: nothing listens there
    started = time.monotonic()

    with pytest.raises(TransientDeliveryError) as raised:
        _send_one()

    assert raised.value.connection_lost
    assert time.monotonic() - started < 15


def test_configuration_set_and_feedback_forwarding_come_from_settings(ses_stub, settings):
    ses_stub.status = 200
    assert _send_one() == "0100018c-stub"
    [plain] = ses_stub.requests
    assert plain["Destination"] == {"ToAddresses": ["a@example.org"]}
    assert "ConfigurationSetName" not in plain and "FeedbackForwardingEmailAddress" not in plain
    assert "FromEmailAddress" not in plain  # SES takes it from the From header

    settings.MAIL_SES_CONFIGURATION_SET = "dialogdesk-events"
    settings.MAIL_SES_FEEDBACK_TO_VERP = True
    _send_one()

    configured = ses_stub.requests[1]
    assert configured["ConfigurationSetName"] == "dialogdesk-events"
    assert configured["FeedbackForwardingEmailAddress"] == "bounces+abc@mail.dialogdesk.test"
