"""Is this JSON really from Amazon SNS? The signature check described in the SNS developer guide.

SNS signs a canonical string built from some of the message's fields with the
key of a certificate it publishes at SigningCertURL. Anyone can post JSON to
our endpoint and name any URL there, so the URL must be on an SNS host
(MAIL_SNS_CERT_URL_PATTERN, which tests point at 127.0.0.1) before it is
fetched, and the signature must verify with the key found there. Replays of a
genuine message are harmless: processing is idempotent by MessageId.
"""

import base64
import datetime
import functools
import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings

# https, a host sns.<region>.amazonaws.com and nothing else before the path: the region part has no dots,
# so "sns.eu-central-1.amazonaws.com.evil.example" and "...amazonaws.com@evil.example" do not match.
DEFAULT_URL_PATTERN = r"^https://sns\.[a-z0-9-]+\.amazonaws\.com/"

NOTIFICATION = "Notification"
SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation"
UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation"

# The fields signed, per message type, in this order (alphabetical, as SNS builds the string).
SIGNED_FIELDS = {
    NOTIFICATION: ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    SUBSCRIPTION_CONFIRMATION: ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
    UNSUBSCRIBE_CONFIRMATION: ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
}
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}
MAX_CERTIFICATE_BYTES = 64 * 1024


class SNSVerificationError(Exception):
    """The message is not provably from SNS: refuse it, act on nothing in it."""


def sns_url_allowed(url: str) -> bool:
    """Whether url is on an SNS host: for the signing certificate and for confirming a subscription."""
    if not isinstance(url, str) or not url:
        return False
    pattern = getattr(settings, "MAIL_SNS_CERT_URL_PATTERN", DEFAULT_URL_PATTERN)
    if not re.match(pattern, url) or "\\" in url:
        return False
    # The parsed URL as well: urllib must connect to the host the pattern saw, with no credentials part.
    parts = urlsplit(url)
    return parts.username is None and parts.password is None and bool(parts.hostname)


def canonical_string(payload: dict) -> bytes:
    fields = SIGNED_FIELDS[payload["Type"]]
    lines = []
    for name in fields:
        if name == "Subject" and payload.get("Subject") is None:
            continue  # the only optional signed field: left out altogether when the message has none
        value = payload.get(name)
        if not isinstance(value, str):
            raise SNSVerificationError(f"{name} missing")
        lines.append(f"{name}\n{value}\n")
    return "".join(lines).encode()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """For every fetch from an SNS URL: a redirect could lead off the SNS host after the URL check."""

    def redirect_request(self, *args, **kwargs):
        return None


@functools.lru_cache(maxsize=16)
def signing_certificate(url: str) -> x509.Certificate:
    """The certificate at url, fetched once per process (the URL names one certificate, and SNS rotates
    rarely). Failures are not cached: the next message tries again."""
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(url, timeout=10) as response:
            if response.status != 200:
                raise SNSVerificationError(f"certificate fetch answered {response.status}")
            pem = response.read(MAX_CERTIFICATE_BYTES + 1)
    except (urllib.error.URLError, OSError) as exc:
        raise SNSVerificationError(f"cannot fetch the signing certificate: {exc}") from exc
    if len(pem) > MAX_CERTIFICATE_BYTES:
        raise SNSVerificationError("signing certificate too large")
    try:
        certificate = x509.load_pem_x509_certificate(pem)
    except ValueError as exc:
        raise SNSVerificationError("signing certificate unreadable") from exc
    if not isinstance(certificate.public_key(), rsa.RSAPublicKey):
        raise SNSVerificationError("signing certificate has no RSA key")
    return certificate


def signing_key(url: str) -> rsa.RSAPublicKey:
    """The key of the (cached) certificate at url, checked for validity at each use, not only at the fetch."""
    certificate = signing_certificate(url)
    now = datetime.datetime.now(datetime.UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise SNSVerificationError("signing certificate expired or not yet valid")
    return certificate.public_key()


def sns_message_verify(payload: dict) -> None:
    """Raise SNSVerificationError unless payload carries a valid SNS signature (SignatureVersion 1 or 2)."""
    message_type = payload.get("Type")
    if message_type not in SIGNED_FIELDS:
        raise SNSVerificationError(f"unknown message type {message_type!r}")
    algorithm = HASHES.get(str(payload.get("SignatureVersion", "")))
    if algorithm is None:
        raise SNSVerificationError(f"unknown SignatureVersion {payload.get('SignatureVersion')!r}")
    url = payload.get("SigningCertURL") or payload.get("SigningCertUrl")
    if not sns_url_allowed(url) or not urlsplit(url).path.endswith(".pem"):
        raise SNSVerificationError(f"certificate URL not on an SNS host: {url!r}")
    try:
        signature = base64.b64decode(payload.get("Signature") or "", validate=True)
    except ValueError as exc:
        raise SNSVerificationError("signature is not base64") from exc
    data = canonical_string(payload)
    try:
        signing_key(url).verify(signature, data, padding.PKCS1v15(), algorithm())
    except InvalidSignature as exc:
        raise SNSVerificationError("signature does not match") from exc
