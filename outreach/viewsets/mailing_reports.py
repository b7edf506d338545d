"""The report of a mailing: numbers, clicks per link, a chart over time, and the export.

The chart is an inline SVG drawn on the server: no JavaScript library and no
CDN in the admin, and it prints and screenshots like the rest of the page.

The page also lists the replies (people's words, for the press office's eyes).
The export holds aggregate numbers and the mailing's own link URLs, no
personal data, so it is not written to the ExportLog (that log answers
"when was this person's data handed out" for Art. 15 requests, and a report
hands out nobody's). Cells are neutralised all the same: a link URL is
whatever an editor pasted, and "=HYPERLINK(...)" is a valid thing to paste.
"""

from dataclasses import dataclass

import tablib
from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.selectors_mailings import MailingReport, mailing_report
from outreach.selectors_tracking import mailing_replies
from outreach.services.exports import FORMATS, cell_neutralise
from outreach.viewsets.mailing_views import MailingView
from outreach.viewsets.numbers import percent
from outreach.viewsets.responses import export_response

CHART_WIDTH, CHART_HEIGHT = 760, 240
CHART_LEFT, CHART_BOTTOM, CHART_TOP = 44, 28, 12
MAX_X_LABELS = 12


@dataclass(frozen=True)
class Series:
    name: str
    label: str
    colour: str


def chart_series() -> list[Series]:
    # Colours from Wagtail's palette that stay apart for the common colour-vision deficiencies.
    return [Series("delivered", _("Delivered"), "#007d7e"), Series("opens", _("Unique opens"), "#e9b04d"),
            Series("clicks", _("Clicks"), "#2e1f5e")]


def _bucket_label(start, unit) -> str:
    local = timezone.localtime(start)
    return f"{local:%d.%m.}" if unit == "day" else f"{local:%d.%m. %H}:00"


def report_chart(report: MailingReport) -> dict | None:
    """Bars per time bucket and series, as coordinates for the SVG in report.html."""
    if not report.buckets:
        return None
    series = chart_series()
    peak = max(max(getattr(b, s.name) for s in series) for b in report.buckets) or 1
    plot_width = CHART_WIDTH - CHART_LEFT - 8
    plot_height = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
    group = plot_width / len(report.buckets)
    bar = max(1.0, group * 0.8 / len(series))
    every = max(1, -(-len(report.buckets) // MAX_X_LABELS))
    bars, labels = [], []
    for index, bucket in enumerate(report.buckets):
        x0 = CHART_LEFT + index * group + group * 0.1
        label = _bucket_label(bucket.start, report.bucket_unit)
        for position, item in enumerate(series):
            value = getattr(bucket, item.name)
            height = plot_height * value / peak
            bars.append({"x": round(x0 + position * bar, 1), "y": round(CHART_TOP + plot_height - height, 1),
                         "width": round(bar, 1), "height": round(height, 1), "colour": item.colour,
                         "title": f"{label}: {item.label} {value}"})
        if index % every == 0:
            labels.append({"x": round(x0 + group * 0.4, 1), "text": label})
    # Whole numbers only, each drawn at its own height: counts of people have no halves.
    ticks = [{"y": round(CHART_TOP + plot_height * (1 - value / peak), 1), "value": value}
             for value in sorted({0, peak // 2, peak})]
    return {"width": CHART_WIDTH, "height": CHART_HEIGHT, "left": CHART_LEFT, "right": CHART_WIDTH - 8,
            "baseline": CHART_TOP + plot_height, "label_y": CHART_HEIGHT - 8, "bars": bars, "labels": labels,
            "ticks": ticks, "series": series,
            "unit": _("per hour") if report.bucket_unit == "hour" else _("per day")}


def report_summary(report: MailingReport) -> list[tuple[str, int, str]]:
    """(label, number, note) in the order the page and the export show them."""
    return [
        (_("Recipients"), report.recipients, ""),
        (_("Delivered (accepted by the receiving server)"), report.delivered, ""),
        (_("Bounced"), report.bounced, _("hard: %(hard)s, soft: %(soft)s") % {"hard": report.bounced_hard,
                                                                              "soft": report.bounced_soft}),
        (_("refused for the sender's reputation or as spam"), report.bounced_reputation,
         _("counted among the bounces; not held against the recipients' addresses")),
        (_("Failed"), report.failed, ""),
        (_("Not sent (cancelled or suppressed since)"), report.cancelled, ""),
        (_("Complaints (marked as spam)"), report.complaints, ""),
        (_("Unique opens"), report.unique_opens, _("%(rate)s of delivered; %(prefetches)s automatic "
                                                   "prefetches by Apple Mail left out")
         % {"rate": percent(report.open_rate), "prefetches": report.privacy_prefetches}),
        (_("Clicks"), report.clicks, _("%(people)s recipients clicked (%(rate)s of delivered)")
         % {"people": report.unique_clickers, "rate": percent(report.click_rate)}),
        (_("Replies"), report.replies, ""),
        (_("Unsubscribes"), report.unsubscribes, _unsubscribe_note(report)),
    ]


def _unsubscribe_note(report: MailingReport) -> str:
    if not report.unsubscribe_scope_title:
        return ""
    return _("%(title)s: %(scoped)s (this kind of mail only; the others unsubscribed from everything)") % {
        "title": report.unsubscribe_scope_title, "scoped": report.scoped_unsubscribes}


def report_dataset(mailing, report: MailingReport) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=[_("Section"), _("Item"), _("Count"), _("Unique recipients")],
                             title=_("Report")[:31])

    def row(*cells):
        dataset.append([cell_neutralise(cell) for cell in cells])

    row(_("Mailing"), mailing.title, "", "")
    for label, number, _note in report_summary(report):
        row(_("Summary"), label, number, "")
    for link in report.links:
        row(_("Link"), link["url"], link["clicks"], link["unique"])
    per = _("per hour") if report.bucket_unit == "hour" else _("per day")
    for item in chart_series():
        for bucket in report.buckets:
            stamp = timezone.localtime(bucket.start).strftime("%Y-%m-%d %H:%M")
            row(f"{item.label} {per}", stamp, getattr(bucket, item.name), "")
    return dataset


class MailingReportView(MailingView):
    permission_required = "view"
    template_name = "outreach/mailings/report.html"
    page_title = gettext_lazy("Report")

    def get(self, request, pk):
        report = mailing_report(mailing=self.mailing)
        return self.render_to_response(self.get_context_data(
            report=report, summary=report_summary(report), chart=report_chart(report),
            replies=mailing_replies(mailing=self.mailing),
        ))


class MailingReportExportView(MailingView):
    permission_required = "view"

    def get(self, request, pk):
        file_format = request.GET.get("format", "csv")
        if file_format not in FORMATS:
            return HttpResponseBadRequest(_("Choose CSV or XLSX."), content_type="text/plain; charset=utf-8")
        dataset = report_dataset(self.mailing, mailing_report(mailing=self.mailing))
        if file_format == "csv":
            # Semicolons and a BOM: what German Excel opens without an import dialog.
            content = dataset.export("csv", delimiter=";").encode("utf-8-sig")
        else:
            content = dataset.export("xlsx")
        return export_response(content, file_format, f"mailing-{self.mailing.pk}-report")
