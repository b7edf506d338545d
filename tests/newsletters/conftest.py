import re
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def outbox(settings, tmp_path):
    """Mail goes to an outbox of its own: each test reads only its own mails."""
    settings.MAIL_BACKEND = "outbox"
    settings.MAIL_OUTBOX_DIR = str(tmp_path / "outbox")
    settings.MAIL_DOMAIN = "mail.dialogdesk.test"
    return Outbox(Path(settings.MAIL_OUTBOX_DIR))


class Outbox:
    def __init__(self, directory: Path):
        self.directory = directory

    def messages(self):
        files = sorted(self.directory.rglob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
        return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]

    def to(self, address: str):
        return [m for m in self.messages() if m["To"].addresses[0].addr_spec == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{count} mail(s) to {address} not within {timeout} s: {len(self.to(address))}")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, pattern: str) -> str:
    match = re.search(pattern, text_of(message))
    assert match, text_of(message)
    return match.group(0)


@pytest.fixture
def demo_newsletters(db):
    from newsletters.services.demo import demo_newsletters_load
    from outreach.models import SenderIdentity

    if not SenderIdentity.objects.exists():
        SenderIdentity.objects.create(label="Newsletter", from_name="N3tzwerk", from_email="newsletter@dialogdesk.test",
                                      is_default=True, imprint="N3tzwerk · Mauerstraße 83-84 · 10117 Berlin")
    demo_newsletters_load()
    from newsletters.models import Newsletter

    return {n.slug: n for n in Newsletter.objects.all()}


@pytest.fixture
def newsletter(demo_newsletters):
    return demo_newsletters["zukunft-der-industrie"]


@pytest.fixture
def consent_ids():
    from newsletters.models import ConsentText

    def ids(language="de"):
        consent = ConsentText.objects.filter(kind="consent", language=language).order_by("-version").first()
        privacy = ConsentText.objects.filter(kind="privacy", language=language).order_by("-version").first()
        return {"consent_text": consent.pk, "privacy_notice": privacy.pk}

    return ids


def signup_payload(newsletter, consent_ids, **overrides):
    payload = {"newsletter": newsletter.slug, "email": "neu@example.org", "name": "Nina Neu", "language": "de",
               "topics": list(newsletter.topics.values_list("pk", flat=True)[:1]), **consent_ids(),
               "form_url": "https://www.example.org/newsletter"}
    payload.update(overrides)
    return payload


@pytest.fixture
def eager(monkeypatch, outbox):
    """Tasks run inline (no worker), for tests of what a request leads to; mail goes to the outbox."""
    from cms.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
    return outbox


@pytest.fixture
def press_user(django_user_model, demo_newsletters):
    """A press officer with the newsletter rights (the role that reports, exports and adds subscribers)."""
    from newsletters.services.roles import newsletter_roles_ensure
    from outreach.services.roles import press_office_group_ensure

    user = django_user_model.objects.create_user("presse-staff", "ps@example.org", "pw-for-tests-only")
    user.groups.add(newsletter_roles_ensure(), press_office_group_ensure())
    return user


@pytest.fixture
def press_client(client, press_user):
    client.force_login(press_user)
    return client
