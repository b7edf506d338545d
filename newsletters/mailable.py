"""A newsletter issue as the engine mails it (outreach/mailable.py: Mailable and VariantMailable).

Per locale, the issue's translation in that language; per topic combination, the same issue with only the
topic sections of those topics. The engine asks for each (locale, variant) that occurs among the frozen
recipients once, and renders each once (never per recipient). A subscriber's language is the one in their
subscription if the newsletter and the issue have it, else the newsletter's default language (the first of
mailable_locales()). A variant key is the sorted short keys of the subscriber's topics that have a section
in the issue; "" means no topic section at all.
"""

import re

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Revision

from newsletters.models import Newsletter, NewsletterIssuePage, Subscription
from newsletters.rendering import IssueRenderError, issue_check, issue_mjml, topic_key
from newsletters.selectors import newsletter_confirmed_contact_ids
from outreach.mailable import MailContent, mail_content_render, mjml_render

ISSUE_LABEL = "newsletters.newsletterissuepage"


def _as_mailed(page: NewsletterIssuePage) -> NewsletterIssuePage:
    """What is mailed: the published version if there is one, else the latest draft (an issue need not be
    published to be sent; the archive shows it only once it is both published and sent)."""
    if page.live and not page.has_unpublished_changes:
        return page
    revision = Revision.page_revisions.filter(object_id=str(page.pk)).order_by("-created_at").first()
    return revision.as_object() if revision else page


def issue_translations(*, issue: NewsletterIssuePage) -> dict[str, NewsletterIssuePage]:
    pages = (NewsletterIssuePage.objects.filter(translation_key=issue.translation_key, alias_of__isnull=True)
             .select_related("locale"))
    return {page.locale.language_code: page for page in pages}


def issue_mailable_locales(*, issue: NewsletterIssuePage) -> list[str]:
    """The languages the issue is written in that its newsletter is sent in, the newsletter's default first."""
    newsletter = issue.newsletter
    written = issue_translations(issue=issue)
    order = list(newsletter.languages) if newsletter else []
    locales = [code for code in order if code in written]
    return locales or [issue.locale.language_code]


def section_topic_keys(*, issue: NewsletterIssuePage) -> set[str]:
    keys = set()
    for child in issue.body:
        if child.block.name == "topic_section" and child.value.get("topic") is not None:
            keys.add(topic_key(child.value["topic"]))
    return keys


def issue_mailable_content(*, issue: NewsletterIssuePage, locale: str, variant: str) -> MailContent:
    """Subject and MJML of one locale and topic combination. Raises IssueRenderError (a ValidationError)
    naming the block that fails."""
    translations = issue_translations(issue=issue)
    page = _as_mailed(translations.get(locale) or issue)
    topic_keys = set(variant.split(",")) if variant else set()
    return MailContent(subject=(page.subject or page.title)[:255], preheader=page.preheader[:255],
                       mjml=issue_mjml(page=page, topic_keys=topic_keys))


def issue_recipient_variants(*, issue: NewsletterIssuePage, contact_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Language and topic combination of each of these contacts, from their subscription (one query)."""
    newsletter = issue.newsletter
    if newsletter is None:
        return {}
    sections = section_topic_keys(issue=issue)
    result: dict[int, tuple[str, set]] = {}
    rows = (Subscription.objects.filter(newsletter=newsletter, contact_id__in=contact_ids)
            .values_list("contact_id", "language", "topics__translation_key"))
    for contact_id, language, translation_key in rows:
        _language, topics = result.setdefault(contact_id, (newsletter.language_for(language), set()))
        if translation_key is not None and str(translation_key)[:8] in sections:
            topics.add(str(translation_key)[:8])
    return {pk: (language, ",".join(sorted(topics))) for pk, (language, topics) in result.items()}


def issue_audience_contact_ids(issue_id: int):
    """outreach audience provider "newsletters.newsletterissuepage:<pk>": confirmed, unpaused subscribers of
    the issue's newsletter, only those of the issue's audience topics when it names some."""
    issue = NewsletterIssuePage.objects.get(pk=issue_id)
    newsletter = issue.newsletter
    if newsletter is None:
        return Subscription.objects.none().values_list("contact_id", flat=True)
    contact_ids = newsletter_confirmed_contact_ids(newsletter.pk)
    keys = list(issue.audience_topics.values_list("translation_key", flat=True))
    if keys:
        contact_ids = contact_ids.filter(topics__translation_key__in=keys).distinct()
    return contact_ids


@transaction.atomic
def issue_mark_sent(*, issue: NewsletterIssuePage) -> None:
    """The engine started a mailing of the issue: every translation enters the archive. Safe to call twice
    (the first time stays)."""
    from cms.api.caching import content_changed

    NewsletterIssuePage.objects.filter(translation_key=issue.translation_key, sent_at__isnull=True).update(
        sent_at=timezone.now())
    content_changed()


_MERGE = re.compile(r"\{\{\s*(salutation|first_name|last_name|full_name|email|unsubscribe_url)\s*\}\}")
SAMPLE = {"salutation": "Sehr geehrte Frau Mustermann,", "first_name": "Erika", "last_name": "Mustermann",
          "full_name": "Erika Mustermann", "email": "erika.mustermann@example.org", "unsubscribe_url": "#"}


def issue_preview_html(*, issue: NewsletterIssuePage) -> str:
    """The issue as mailed (footer included), with every topic section and a made-up reader. Raises
    IssueRenderError naming the first block that fails."""
    errors = issue_check(page=issue)
    if errors:
        raise errors[0]
    newsletter = issue.newsletter
    locale = issue.locale.language_code
    content = MailContent(subject=issue.subject or issue.title, preheader=issue.preheader,
                          mjml=issue_mjml(page=issue))
    markup, _text = mail_content_render(content, locale=locale,
                                        imprint=newsletter.sender.imprint if newsletter else "")
    return _MERGE.sub(lambda match: SAMPLE[match.group(1)], markup)


def issue_archive_html(*, issue: NewsletterIssuePage) -> str:
    """The web version for the archive: every topic section, no salutation, no footer, so no unsubscribe
    link, no merge field and no tracking (links are the editors' own). "" when the issue does not render."""
    try:
        return mjml_render(issue_mjml(page=issue, personal=False))
    except (IssueRenderError, ValueError):
        return ""


def issue_newsletter(*, issue: NewsletterIssuePage) -> Newsletter | None:
    return issue.newsletter


def issue_locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)
