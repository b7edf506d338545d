"""The public archive: sent issues through the pages API, per newsletter and language, cached, and with
nothing personal in it (no names or addresses, no tracking tokens, no personal unsubscribe links)."""

import pytest
from django.core.cache import cache

from newsletters.models import NewsletterIssuePage
from newsletters.services.issues import issue_mailing_create
from outreach.models import Mailing, Message
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from tests.newsletters.issues import full_body, issue_index, make_issue, translate

pytestmark = pytest.mark.django_db
ISSUES = "/api/v2/pages/?type=newsletters.NewsletterIssuePage&fields=subject,sent_at,newsletter_slug,archive_html"


@pytest.fixture
def issue(newsletter):
    a, b = list(newsletter.topics.order_by("pk")[:2])
    issue = make_issue(newsletter, body=full_body(topic_a=a, topic_b=b))
    translate(issue)
    return issue


def _send(issue, outbox) -> Mailing:
    mailing = Mailing.objects.get(pk=issue_mailing_create(issue=issue)[0])
    mailing_send(mailing=mailing)
    while message_batch_send(mailing_id=mailing.pk, worker_task_id="batch").claimed:
        pass
    return mailing


def _titles(client, url=ISSUES):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def test_a_published_issue_is_not_public_until_it_was_sent(client, issue, outbox):
    assert _titles(client) == set()
    assert client.get(f"/api/v2/pages/{issue.pk}/").status_code == 404
    assert issue.title not in _titles(client, "/api/v2/pages/?limit=100")

    _send(issue, outbox)
    assert _titles(client) == {"Juli 2026", "July 2026"}
    assert client.get(f"/api/v2/pages/{issue.pk}/").status_code == 200


def test_the_archive_holds_nothing_personal(client, issue, outbox):
    mailing = _send(issue, outbox)
    body = client.get(f"/api/v2/pages/{issue.pk}/").content.decode()
    listing = client.get(ISSUES).content.decode()
    archive = client.get(f"/api/v2/pages/{issue.pk}/").json()["archive_html"]
    assert "Abschnitt A" in archive and "Abschnitt B" in archive and "Willkommen zur Juli-Ausgabe" in archive
    for text in (body, listing):
        for message in Message.objects.filter(mailing=mailing):
            assert message.email not in text  # no addresses
            assert message.token not in text  # no tracking or unsubscribe tokens
        assert "Hoffmann" not in text and "Guten Tag" not in text  # no names, no salutation
        assert "unsubscribe" not in text.lower() and "Abmelden" not in text  # no unsubscribe links
        assert "/o/" not in text and "{{" not in text  # no tracking URLs, no merge fields


def test_per_newsletter_and_language(client, issue, newsletter, demo_newsletters, outbox):
    _send(issue, outbox)
    other = demo_newsletters["industriedialog-baden-wuerttemberg"]
    a, b = list(newsletter.topics.order_by("pk")[:2])
    _send(make_issue(other, title="BW Juni", body=full_body(topic_a=a, topic_b=b)), outbox)

    index = issue_index(newsletter)
    assert _titles(client, f"{ISSUES}&child_of={index.pk}") == {"Juli 2026"}
    assert _titles(client, f"{ISSUES}&locale=en") == {"July 2026"}
    assert _titles(client, f"{ISSUES}&locale=de") == {"Juli 2026", "BW Juni"}
    slugs = {item["newsletter_slug"] for item in client.get(f"{ISSUES}&locale=de").json()["items"]}
    assert slugs == {newsletter.slug, other.slug}
    english = NewsletterIssuePage.objects.get(locale__language_code="en")
    assert client.get(f"/api/v2/pages/{english.pk}/").json()["sent_at"]


def test_the_archive_is_cached_and_a_send_refreshes_it(client, issue, outbox):
    cache.clear()
    first = client.get(ISSUES)
    assert first["X-Cache"] == "miss" and client.get(ISSUES)["X-Cache"] == "hit"
    _send(issue, outbox)
    after = client.get(ISSUES)
    assert after["X-Cache"] == "miss" and len(after.json()["items"]) == 2
