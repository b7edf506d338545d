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
