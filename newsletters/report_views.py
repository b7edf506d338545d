"""A newsletter's report in the admin (growth per week, issues sent) and the export of its subscribers.

Thin views: the numbers come from newsletters.selectors_reports, the chart's
geometry from newsletters.charts, the file from newsletters.services.exports.
"""

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from newsletters.charts import growth_chart, week_label
from newsletters.models import Newsletter, Subscription
from newsletters.selectors_reports import DEFAULT_WEEKS, newsletter_growth, newsletter_issues_sent
from newsletters.services.exports import newsletter_subscribers_export
from outreach.mailable import EXPORT_FORMATS

WEEK_CHOICES = (12, 26, 52)
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def percent(value: float | None) -> str:
    """"83,3 %" in German, "83.3 %" in English; a dash when there is nothing to rate."""
    if value is None:
        return "–"
    return _("%(number)s %%") % {"number": formats.number_format(value, 1, use_l10n=True)}


def subscriptions_may_be_exported(user) -> bool:
    """Subscribers' personal data: only who may read subscriptions (the press office), not every user who
    may read a newsletter's numbers."""
    from newsletters.wagtail_hooks import subscription_viewset

    return subscription_viewset.permission_policy.user_has_permission(user, "view")


class NewsletterReportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    permission_required = "view"
    template_name = "newsletters/admin/report.html"
    page_title = gettext_lazy("Report")
    header_icon = "list-ul"
    index_url_name = None
    export_url_name = None

    @cached_property
    def newsletter(self) -> Newsletter:
        return get_object_or_404(Newsletter, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.newsletter.name()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": gettext_lazy("Newsletters")},
            {"url": "", "label": f"{self.get_page_title()}: {self.newsletter.name()}"},
        ]

    def weeks_asked(self) -> int:
        try:
            weeks = int(self.request.GET.get("weeks", DEFAULT_WEEKS))
        except ValueError:
            return DEFAULT_WEEKS
        return weeks if weeks in WEEK_CHOICES else DEFAULT_WEEKS

    def get(self, request, pk):
        weeks = newsletter_growth(newsletter=self.newsletter, weeks=self.weeks_asked())
        rows = [{"label": week_label(week), "monday": week.monday, "week": week,
                 "rate": percent(week.confirmation_rate)} for week in reversed(weeks)]
        issues = [{"figures": figures, "open_rate": percent(figures.open_rate),
                   "click_rate": percent(figures.click_rate)} for figures in newsletter_issues_sent(
            newsletter=self.newsletter)]
        confirmed = self.newsletter.subscriptions.filter(state=Subscription.State.CONFIRMED).count()
        export_url = reverse(self.export_url_name, args=[self.newsletter.pk])
        return self.render_to_response(self.get_context_data(
            newsletter=self.newsletter, rows=rows, chart=growth_chart(weeks), issues=issues,
            confirmed=confirmed, weeks_asked=self.weeks_asked(), week_choices=WEEK_CHOICES,
            totals={name: sum(getattr(week, name) for week in weeks)
                    for name in ("sign_ups", "confirmations", "unsubscribes", "net_change")},
            export_url=export_url if subscriptions_may_be_exported(request.user) else "",
        ))


class NewsletterSubscribersExportView(PermissionCheckedMixin, View):
    """The subscribers as CSV or XLSX; each download is one entry in outreach's export log."""

    permission_required = "view"

    def get(self, request, pk):
        from django.core.exceptions import PermissionDenied

        if not subscriptions_may_be_exported(request.user):
            raise PermissionDenied
        newsletter = get_object_or_404(Newsletter, pk=pk)
        file_format = request.GET.get("format", "csv")
        if file_format not in EXPORT_FORMATS:
            return HttpResponseBadRequest(_("Choose CSV or XLSX."), content_type="text/plain; charset=utf-8")
        content = newsletter_subscribers_export(newsletter=newsletter, file_format=file_format, actor=request.user)
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = (f'attachment; filename="subscribers-{newsletter.slug}-'
                                           f'{timezone.now():%Y%m%d-%H%M}.{file_format}"')
        response["Cache-Control"] = "no-store"  # personal data: no shared or browser cache keeps a copy
        return response
