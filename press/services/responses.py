"""What the press office does with what came back of a release: export it, follow up the silent ones.

Both go through outreach's door (outreach.mailable): the export is the engine's people export
(formula-safe, logged, on each contact's timeline), the follow-ups are the engine's tasks, which
a reply to the release's distributions closes.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.mailable import (
    contact_ids_suppressed,
    follow_ups_create,
    personal_data_export,
    recipient_response_rows,
)
from press.selectors import release_follow_up_subject, release_responses


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def release_responses_export(*, release, file_format: str, actor, distribution_id: int | None = None,
                             show: str = "") -> bytes:
    """The release's responses as shown (same distribution and filter) as CSV or XLSX, one row per recipient
    and distribution. Addresses on the suppression list are left out of the file (name and responses stay):
    an export is how addresses reach other mail tools, and an objection must hold there too. Logged like
    every export of people; not idempotent (two calls, two log entries). ValueError for another format."""
    responses = release_responses(release=release, distribution_id=distribution_id, show=show)
    titles = {item.mailing_id: item.mailing.title for item in responses.distributions}
    rows = recipient_response_rows(responses.responses)
    # No address in the file for anyone suppressed, nor for anyone who unsubscribed from the release: a press
    # unsubscribe ends press mail only, so it is not on the suppression list, and the file must not invite a
    # mail by hand.
    suppressed = contact_ids_suppressed(contact_ids=[row.contact_id for row in rows if row.contact_id])
    headings = [_("Name"), _("E-mail"), _("Organisation"), _("Distribution"), _("Status"), _("Sent"), _("Opened"),
                _("Clicked"), _("Replied"), _("Reply"), _("Bounced"), _("Unsubscribed"), _("Follow-up due")]
    table = [[row.name, "" if row.contact_id in suppressed or row.unsubscribed_at else row.email, row.organisation, titles.get(row.mailing_id, ""),
              row.status_label, _moment(row.sent_at), _moment(row.opened_at), _moment(row.clicked_at),
              _moment(row.replied_at), row.reply_text, _moment(row.bounced_at) or (_("yes") if row.is_bounced else ""),
              _moment(row.unsubscribed_at), row.follow_up_due_on.isoformat() if row.follow_up_due_on else ""]
             for row in rows]
    return personal_data_export(
        headings=headings, rows=table, contact_ids=[row.contact_id for row in rows if row.contact_id],
        file_format=file_format, actor=actor, title=_("Responses"),
        description=_("Responses to the press release '%(title)s'") % {"title": release.title},
    )


def release_follow_ups_create(*, release, contact_ids: list[int], owner, due_on: date,
                              distribution_id: int | None = None) -> int:
    """A follow-up task "Follow up: <release>" for each chosen recipient who was sent the release and did not
    reply, owned by `owner` and due on `due_on`; a reply to the release closes it. Recipients who replied,
    bounced or unsubscribed are skipped, and so is anyone with an open follow-up about the release already
    (calling it twice creates nothing more). Returns how many were created; ValidationError without choice."""
    if not contact_ids:
        raise ValidationError(_("Tick the recipients who should be followed up."))
    if due_on is None:
        raise ValidationError(_("Choose a due date."))
    silent = release_responses(release=release, distribution_id=distribution_id, show="not_replied").responses
    eligible = list(silent.filter(contact_id__in=contact_ids).values_list("contact_id", flat=True))
    return follow_ups_create(contact_ids=eligible, title=_("Follow up: %(title)s") % {"title": release.title},
                             due_on=due_on, owner=owner, subject=release_follow_up_subject(release))
