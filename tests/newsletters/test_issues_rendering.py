"""An issue renders once per locale and topic combination present in its audience, never per recipient."""

import re

import pytest
from django.conf import settings

from cms.models import Topic
from newsletters.mailable import issue_mailable_content, issue_recipient_variants
from newsletters.models import Subscription
from newsletters.rendering import topic_key
from newsletters.services.issues import issue_mailing_create
from outreach import mailable
from outreach.models import Mailing, Message
from outreach.rendering import render_counts
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from tests.newsletters.conftest import text_of
from tests.newsletters.issues import full_body, make_issue, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics(newsletter):
    first, second = list(newsletter.topics.order_by("pk")[:2])
    return first, second


@pytest.fixture
def audience(newsletter, topics):
    """The demo subscribers (lena, jonas: de; emma: en) with topics, plus 30 more sharing the same combinations."""
    a, b = topics
    chosen = {"lena.hoffmann@example.org": [a], "jonas.weber@example.org": [a, b], "emma.clarke@example.org": []}
    for subscription in Subscription.objects.filter(newsletter=newsletter):
        subscription.topics.set(chosen.get(subscription.email, []))
    for n in range(30):
        email = f"leser{n}@example.org"
        contact_id = mailable.contact_for_address(email=email, language="de" if n % 3 else "en")
        subscription = Subscription.objects.create(
            newsletter=newsletter, contact_id=contact_id, email=email, language="de" if n % 3 else "en",
            state=Subscription.State.CONFIRMED, signed_up_at="2026-01-01T00:00Z", confirmed_at="2026-01-01T00:00Z")
        subscription.topics.set([[a], [a, b], []][n % 3])
    return chosen


def test_one_mjml_render_per_locale_and_topic_combination_not_per_recipient(newsletter, topics, audience, outbox):
    a, b = topics
    issue = make_issue(newsletter, body=full_body(topic_a=a, topic_b=b))
    translate(issue)
    mailing_id, _url = issue_mailing_create(issue=issue)
    mailing = Mailing.objects.get(pk=mailing_id)
    assert mailing.unsubscribe_scope == newsletter.reference

    before = render_counts["mjml"]
    mailing_send(mailing=mailing)
    recipients = Message.objects.filter(mailing=mailing).count()
    pairs = set(Message.objects.filter(mailing=mailing).values_list("locale", "variant"))
    variant_pairs = {pair for pair in pairs if pair[1]}
    # de and en as written, plus each (locale, topics) some recipient has: never one per recipient.
    assert render_counts["mjml"] - before == 2 + len(variant_pairs)
    assert recipients == 33
    assert {pair[0] for pair in variant_pairs} == {"de", "en"} and len(variant_pairs) == 3
    assert set(mailing.variants.values_list("locale", "key")) == variant_pairs

    while message_batch_send(mailing_id=mailing.pk, worker_task_id="batch").claimed:
        pass
    lena, jonas, emma = (outbox.to(f"{name}@example.org")[0] for name in ("lena.hoffmann", "jonas.weber", "emma.clarke"))
    assert "Abschnitt A" in text_of(lena) and "Abschnitt B" not in text_of(lena)
    assert "Abschnitt A" in text_of(jonas) and "Abschnitt B" in text_of(jonas)
    assert "Abschnitt" not in text_of(emma) and emma["Subject"] == "Newsletter July 2026"
    assert lena["Subject"] == "Newsletter Juli 2026"
    assert "Guten Tag Lena Hoffmann," in text_of(lena)  # the intro's salutation, filled in per recipient
    html = lena.get_body(preferencelist=("html",)).get_content()
    assert "fonts.googleapis" not in html and "@import" not in html
    # Images: absolute rendition URLs, twice the width they are shown at.
    sources = re.findall(r'<img[^>]*src="([^"]+)"', html)
    assert sources and all(src.startswith(settings.WAGTAILADMIN_BASE_URL + "/media/images/") for src in sources)
    assert "width-1200" in html and "fill-1200x675" in html
    assert "Foto: Werkbank" in html


def test_who_has_no_translation_in_their_language_gets_the_default(newsletter, topics, audience):
    a, b = topics
    issue = make_issue(newsletter, body=full_body(topic_a=a, topic_b=b))  # German only
    mailing_id, _url = issue_mailing_create(issue=issue)
    mailing = Mailing.objects.get(pk=mailing_id)
    mailing_send(mailing=mailing)
    assert Message.objects.get(mailing=mailing, email="emma.clarke@example.org").locale == "de"
    assert set(Message.objects.filter(mailing=mailing).values_list("locale", flat=True)) == {"de"}


def test_variants_name_only_topics_with_a_section(newsletter, topics, audience):
    a, b = topics
    issue = make_issue(newsletter, body=full_body(topic_a=a, topic_b=b))
    subscription = Subscription.objects.get(newsletter=newsletter, email="lena.hoffmann@example.org")
    other = newsletter.topics.exclude(pk__in=[a.pk, b.pk]).first()
    subscription.topics.add(other)
    chosen = issue_recipient_variants(issue=issue, contact_ids=[subscription.contact_id])
    assert chosen == {subscription.contact_id: ("de", topic_key(a))}
    content = issue_mailable_content(issue=issue, locale="de", variant=topic_key(a))
    assert "Abschnitt A" in content.mjml and "Abschnitt B" not in content.mjml


def test_a_paused_or_pending_subscriber_is_not_in_the_audience(newsletter, topics, audience):
    a, b = topics
    Subscription.objects.filter(email="jonas.weber@example.org").update(state=Subscription.State.PAUSED,
                                                                         paused_until="2099-01-01")
    issue = make_issue(newsletter, body=full_body(topic_a=a, topic_b=b))
    issue.audience_topics.set([b])
    issue.save_revision().publish()
    mailing_id, _url = issue_mailing_create(issue=issue)
    mailing = Mailing.objects.get(pk=mailing_id)
    mailing_send(mailing=mailing)
    emails = set(Message.objects.filter(mailing=mailing).values_list("email", flat=True))
    assert "jonas.weber@example.org" not in emails and "lena.hoffmann@example.org" not in emails
    assert len(emails) == 10  # only the readers of topic B
    assert Topic.objects.filter(pk=b.pk).exists()


def test_a_click_in_a_topic_variant_leads_to_that_variants_link(newsletter, topics, audience):
    """Links are numbered per rendered body: a variant's link n is not the plain locale's link n."""
    from outreach.selectors_tracking import mailing_link_urls
    from outreach.services.tracking import message_click_url
    from tests.newsletters.issues import block

    a, b = topics
    body = full_body(topic_a=a, topic_b=b)
    body.insert(0, block("topic_section", {"topic": b.pk, "heading": "B zuerst", "content": [
        block("rich_text", '<p><a href="https://www.example.org/nur-b">Nur B</a></p>')]}))
    issue = make_issue(newsletter, body=body)
    mailing = Mailing.objects.get(pk=issue_mailing_create(issue=issue)[0])
    mailing.track_clicks = True
    mailing.save(update_fields=["track_clicks"])
    mailing_send(mailing=mailing)
    jonas = Message.objects.get(mailing=mailing, email="jonas.weber@example.org")
    lena = Message.objects.get(mailing=mailing, email="lena.hoffmann@example.org")
    assert jonas.variant and jonas.variant != lena.variant
    urls = mailing_link_urls(mailing_id=mailing.pk, locale="de", variant=jonas.variant)
    index = urls.index("https://www.example.org/nur-b")
    assert message_click_url(token=jonas.token, index=index) == "https://www.example.org/nur-b"
    assert message_click_url(token=lena.token, index=index) != "https://www.example.org/nur-b"
