"""Sending an issue: it becomes a draft mailing of the engine, which then previews, tests, schedules and sends."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from newsletters.mailable import ISSUE_LABEL
from newsletters.models import NewsletterIssuePage
from newsletters.rendering import issue_check
from outreach.mailable import mailing_draft_create, reference_for


@transaction.atomic
def issue_mailing_create(*, issue: NewsletterIssuePage, user=None) -> tuple[int, str]:
    """A draft mailing of the issue (all its languages) to the confirmed, unpaused subscribers of its newsletter
    (only those of its audience topics, if it names some), with a one-click unsubscribe that ends only this
    newsletter. Returns the mailing's id and admin URL.

    Raises ValidationError when the issue is not under a newsletter or a block does not render (each named).
    Calling it again makes another draft: an editor may prepare a second run on purpose.
    """
    newsletter = issue.newsletter
    if newsletter is None:
        raise ValidationError(_("The issue is not filed under a newsletter."))
    errors = issue_check(page=issue)
    if errors:
        raise ValidationError([message for error in errors for message in error.messages])
    source = reference_for(ISSUE_LABEL, issue.pk)
    return mailing_draft_create(
        title=f"{newsletter.name()}: {issue.title}", source=source, sender_id=newsletter.sender_id,
        audience_providers=[source], unsubscribe_scope=newsletter.reference, user=user,
    )


@transaction.atomic
def newsletter_issue_index_ensure(*, newsletter, title: str = "") -> "NewsletterIndexPage":
    """The page holding a newsletter's issues, under the German home page; created and published if missing.
    Safe to call twice. The press office may write, publish and send the issues below it."""
    from cms.models import HomePage
    from newsletters.models import NewsletterIndexPage
    from newsletters.services.roles import newsletter_roles_ensure

    home = HomePage.objects.filter(locale__language_code="de").first()
    index = NewsletterIndexPage.objects.filter(newsletter=newsletter, locale=home.locale).first()
    if index is None:
        index = NewsletterIndexPage(title=title or f"Newsletter {newsletter.name('de')}",
                                    slug=f"newsletter-{newsletter.slug}"[:255], newsletter=newsletter)
        home.add_child(instance=index)
        index.save_revision().publish()
    newsletter_roles_ensure()
    return index
