"""Signed SNS messages for the tests of POST /o/sns/: a test key and self-signed certificate, served by a
real HTTP server on 127.0.0.1 that MAIL_SNS_CERT_URL_PATTERN lets through (it also records what is
fetched, such as subscription confirmations).

Imported by name into the test modules, like sending_fixtures; sns_settings is autouse there.
"""

import base64
import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.urls import reverse

from outreach.sns.verify import canonical_string, signing_certificate

TOPIC = "arn:aws:sns:eu-central-1:123456789012:dialogdesk-ses-feedback"


def certificate_pem(key, *, valid_days: int = 30) -> bytes:
    """A self-signed certificate for key that ends valid_days from now (negative: expired that long ago)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.eu-central-1.amazonaws.com")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=60))
                   .not_valid_after(now + datetime.timedelta(days=valid_days)).sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM)


KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
CERTIFICATE_PEM = certificate_pem(KEY)
EXPIRED_PEM = certificate_pem(KEY, valid_days=-10)


class FakeSNSHost(BaseHTTPRequestHandler):
    """Serves the signing certificate and records what is fetched (subscription confirmations)."""

    fetched: ClassVar[list[str]] = []

    def do_GET(self):
        type(self).fetched.append(self.path)
        if self.path.endswith(".pem"):
            body = EXPIRED_PEM if "expired" in self.path else CERTIFICATE_PEM
            content_type = "application/x-pem-file"
        else:
            body, content_type = b"<ConfirmSubscriptionResponse/>", "text/xml"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def sns_host():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSNSHost)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def sns_settings(settings, sns_host):
    settings.MAIL_SNS_TOPIC_ARNS = [TOPIC]
    settings.MAIL_SNS_CERT_URL_PATTERN = rf"^{sns_host.replace('.', '[.]')}/"
    FakeSNSHost.fetched = []
    signing_certificate.cache_clear()
    yield settings
    signing_certificate.cache_clear()


def sign(payload: dict, *, version: str = "1") -> dict:
    payload = {**payload, "SignatureVersion": version}
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    payload["Signature"] = base64.b64encode(KEY.sign(canonical_string(payload), padding.PKCS1v15(),
                                                     algorithm)).decode()
    return payload


def notification(sns_host: str, message: dict, *, message_id: str = "8f3c2f4e-1111-4a5b-9c0d-000000000001",
                 subject: str | None = None, topic: str = TOPIC) -> dict:
    payload = {
        "Type": "Notification", "MessageId": message_id, "TopicArn": topic, "Message": json.dumps(message),
        "Timestamp": "2026-11-25T10:00:00.000Z", "SigningCertURL": f"{sns_host}/SimpleNotificationService-test.pem",
        "UnsubscribeURL": f"{sns_host}/?Action=Unsubscribe&SubscriptionArn={TOPIC}:sub",
    }
    if subject is not None:
        payload["Subject"] = subject
    return payload


def post(client, payload: dict):
    # SNS posts its JSON as text/plain, with the type in a header as well.
    return client.post(reverse("outreach:sns"), data=json.dumps(payload), content_type="text/plain",
                       HTTP_X_AMZ_SNS_MESSAGE_TYPE=payload.get("Type", ""))
