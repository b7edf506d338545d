"""Part of the mailable door (outreach/mailable.py re-exports everything here): what an app that mails
through the engine may read for its own reports and hand out in its own exports, without reaching into
outreach's models.
"""

from dataclasses import dataclass


# --- Figures of a source's mailings, for the source's own report ---------------------------------------------

@dataclass(frozen=True)
class MailingFigures:
    """A started mailing's outcome as its report counts it (outreach.selectors_mailings.mailing_report)."""

    mailing_id: int
    title: str
    source: str
    status: str
    status_label: str
    started_at: object
    finished_at: object
    recipients: int
    delivered: int
    unique_opens: int
    clicks: int
    unique_clickers: int
    unsubscribes: int
    bounced: int
    report_url: str

    @property
    def open_rate(self) -> float:
        return round(100 * self.unique_opens / self.delivered, 1) if self.delivered else 0.0

    @property
    def click_rate(self) -> float:
        return round(100 * self.unique_clickers / self.delivered, 1) if self.delivered else 0.0


def mailing_figures_for_sources(*, sources: list[str]) -> list[MailingFigures]:
    """The started mailings (sending, paused, sent or cancelled after starting) of these sources
    ("app_label.model:pk"), newest first, each counted by the engine's report selector and linked to
    the engine's report page. Drafts and scheduled ones are not in it: they have no figures yet."""
    from django.urls import reverse

    from outreach.models import Mailing
    from outreach.selectors_mailings import mailing_report
    from outreach.wagtail_hooks import mailing_viewset  # the engine's report page; loaded late like the admin

    if not sources:
        return []
    figures = []
    mailings = Mailing.objects.filter(source__in=sources, started_at__isnull=False).order_by("-started_at", "-pk")
    for mailing in mailings:
        report = mailing_report(mailing=mailing)
        figures.append(MailingFigures(
            mailing_id=mailing.pk, title=mailing.title, source=mailing.source, status=mailing.status,
            status_label=str(mailing.get_status_display()), started_at=mailing.started_at,
            finished_at=mailing.finished_at, recipients=report.recipients, delivered=report.delivered,
            unique_opens=report.unique_opens, clicks=report.clicks, unique_clickers=report.unique_clickers,
            unsubscribes=report.unsubscribes, bounced=report.bounced,
            report_url=reverse(mailing_viewset.get_url_name("report"), args=[mailing.pk]),
        ))
    return figures


# --- Personal data leaving the system ------------------------------------------------------------------------

def contact_ids_suppressed(*, contact_ids: list[int]) -> set[int]:
    """Those of these contacts whose address is on the suppression list, in one query: an app's export
    leaves them out as outreach's own contact export does (an objection must hold in other mail tools too)."""
    from outreach.models import Contact
    from outreach.segments import not_suppressed

    if not contact_ids:
        return set()
    return set(Contact.objects.filter(pk__in=contact_ids).exclude(not_suppressed()).values_list("pk", flat=True))


def personal_data_export(*, headings: list[str], rows: list[list], file_format: str, title: str, actor,
                         description: str, contact_ids: list[int]) -> bytes:
    """Rows of personal data as a CSV or XLSX file, the way outreach exports contacts: cells safe from formula
    injection, one ExportLog entry, an 'exported' event on each contact's timeline. Formats: EXPORT_FORMATS."""
    from outreach.services.exports import rows_export

    return rows_export(headings=headings, rows=rows, file_format=file_format, title=title, actor=actor,
                        description=description, contact_ids=contact_ids)


EXPORT_FORMATS = ("csv", "xlsx")


def address_suppression_reason(email: str) -> str:
    """Why the address may not be mailed, in words of the active language ("Objection (Art. 21 GDPR)"), or ""
    when it may: for a screen that must say so rather than silently refuse."""
    from outreach.models import SuppressionEntry, email_hash

    entry = SuppressionEntry.objects.filter(email_hash=email_hash(email)).first()
    return str(entry.get_reason_display()) if entry else ""


def personal_data_handed_out(*, actor, description: str, file_format: str, row_count: int,
                             contact_ids: list[int]) -> None:
    """Record that an app handed out personal data in a form of its own (a proof file, a page to print):
    one ExportLog entry and an 'exported' event on each contact's timeline, as every export of outreach."""
    from outreach.models import ActivityEvent, ExportLog
    from outreach.services.activity import activity_record_many

    ExportLog.objects.create(exported_by=actor, description=description[:500], file_format=file_format[:10],
                             row_count=row_count)
    activity_record_many(contact_ids=contact_ids, kind=ActivityEvent.Kind.EXPORTED, actor=actor,
                         summary=description)
