"""The steps of a mailing after writing it: overview, preview, test send, send, control, progress.

Every view reads through outreach.selectors_mailings and writes through
outreach.services; a service's ValidationError is shown to the press officer
in its own words (they name what is missing), never as an error page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from outreach.models import Mailing
from outreach.selectors_mailings import (
    mailing_attachments_by_locale,
    mailing_audience_estimate,
    mailing_preview,
    mailing_progress,
)
from outreach.selectors_outbox import outbox_message_url
from outreach.services.mailings import (
    mailing_cancel,
    mailing_pause,
    mailing_resume,
    mailing_send,
    mailing_validate_for_send,
)
from outreach.services.test_sends import mailing_test_send
from outreach.viewsets.mailing_forms import LOCALES, TestSendForm
from outreach.viewsets.numbers import sending_rate

Status = Mailing.Status
LOCALE_NAMES = dict(LOCALES)


def send_problems(mailing: Mailing) -> list[str]:
    """What keeps the mailing from being sent, in the service's words; empty if it can go."""
    try:
        mailing_validate_for_send(mailing=mailing)
    except ValidationError as exc:
        return exc.messages
    return []


class MailingView(PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    permission_required = "change"
    header_icon = "mail"
    index_url_name = None
    edit_url_name = None
    delete_url_name = None
    url_names: dict = {}

    @cached_property
    def mailing(self) -> Mailing:
        return get_object_or_404(Mailing.objects.select_related("sender"), pk=self.kwargs["pk"])

    def url(self, name, *args) -> str:
        return reverse(self.url_names[name], args=[self.mailing.pk, *args])

    def get_page_subtitle(self):
        return self.mailing.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": gettext_lazy("Mailings")},
            {"url": self.url("overview"), "label": self.mailing.title},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, *, attachments: dict | None = None, **kwargs):
        mailing = self.mailing
        contents = list(mailing.contents.order_by("id"))
        return super().get_context_data(
            mailing=mailing, status=Status,
            locales=[{"code": c.locale, "name": LOCALE_NAMES.get(c.locale, c.locale), "subject": c.subject,
                      "preview_url": self.url("preview", c.locale),
                      "attachments": (attachments or {}).get(c.locale, [])} for c in contents],
            urls={name: self.url(name) for name in self.url_names if name != "preview"},
            edit_url=reverse(self.edit_url_name, args=[mailing.pk]),
            delete_url=reverse(self.delete_url_name, args=[mailing.pk]),
            is_editable=mailing.status in (Status.DRAFT, Status.SCHEDULED),
            is_started=mailing.status in (Status.SENDING, Status.PAUSED, Status.SENT, Status.CANCELLED),
            **kwargs,
        )


class MailingOverviewView(MailingView):
    permission_required = "view"
    template_name = "outreach/mailings/overview.html"
    page_title = gettext_lazy("Mailing")

    def get(self, request, pk):
        mailing = self.mailing
        tracking = [label for on, label in ((mailing.track_opens, _("opens")), (mailing.track_clicks, _("clicks")),
                                            (mailing.track_replies, _("replies"))) if on]
        context = {"estimate": mailing_audience_estimate(mailing=mailing), "tracking": tracking,
                   "attachments": mailing_attachments_by_locale(mailing=mailing)}
        if mailing.status in (Status.DRAFT, Status.SCHEDULED):
            context["problems"] = send_problems(mailing)
            context["test_form"] = TestSendForm(locales=[c.locale for c in mailing.contents.order_by("id")])
        return self.render_to_response(self.get_context_data(**context))


class MailingPreviewView(MailingView):
    permission_required = "view"
    template_name = "outreach/mailings/preview.html"
    page_title = gettext_lazy("Preview")

    def get(self, request, pk, locale):
        content = self.mailing.contents.filter(locale=locale).first()
        if content is None:
            raise Http404
        return self.render_to_response(self.get_context_data(
            preview=mailing_preview(mailing=self.mailing, content=content), current_locale=locale,
        ))


class MailingTestSendView(MailingView):
    template_name = "outreach/mailings/test_send.html"
    page_title = gettext_lazy("Send a test")

    def form(self, data=None) -> TestSendForm:
        return TestSendForm(data, locales=[c.locale for c in self.mailing.contents.order_by("id")])

    def get(self, request, pk):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, pk):
        form = self.form(request.POST)
        results = None
        if form.is_valid():
            try:
                results = mailing_test_send(mailing=self.mailing, addresses=form.cleaned_data["addresses"],
                                            locales=form.cleaned_data["locales"] or None, actor=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
        if results is None:
            return self.render_to_response(self.get_context_data(form=form), status=400)
        failed = [r for r in results if r.error]
        if failed:
            messages.error(request, _("%(count)s test mail(s) could not be sent; see the table.") % {"count": len(failed)})
        else:
            messages.success(request, _("Test sent: %(count)s mail(s).") % {"count": len(results)})
        rows = [{"address": r.address, "language": LOCALE_NAMES.get(r.locale, r.locale), "error": r.error,
                 "outbox_url": outbox_message_url(folder=r.folder, name=r.delivery_id)} for r in results]
        return self.render_to_response(self.get_context_data(form=self.form(), results=rows))


class MailingSendView(MailingView):
    """The confirmation page: who gets it, who is left out and why, when. POST sends or schedules."""

    template_name = "outreach/mailings/confirm_send.html"
    page_title = gettext_lazy("Send the mailing")

    def context(self, **kwargs):
        mailing = self.mailing
        return self.get_context_data(
            estimate=mailing_audience_estimate(mailing=mailing), problems=send_problems(mailing),
            is_later=bool(mailing.scheduled_at and mailing.scheduled_at > timezone.now()), **kwargs,
        )

    def get(self, request, pk):
        if self.mailing.status not in (Status.DRAFT, Status.SCHEDULED):
            return redirect(self.url("progress"))
        return self.render_to_response(self.context())

    def post(self, request, pk):
        try:
            mailing = mailing_send(mailing=self.mailing, actor=request.user)
        except ValidationError as exc:
            return self.render_to_response(self.context(errors=exc.messages), status=400)
        if mailing.status == Status.SCHEDULED:
            when = formats.date_format(timezone.localtime(mailing.scheduled_at), "DATETIME_FORMAT")
            messages.success(request, _("'%(title)s' is scheduled for %(when)s.") % {"title": mailing.title, "when": when})
            return redirect(self.url("overview"))
        messages.success(request, _("'%(title)s' is being sent to %(count)s recipients.")
                         % {"title": mailing.title, "count": mailing.recipients_count})
        return redirect(self.url("progress"))


class MailingControlView(MailingView):
    """Pause, resume or cancel (POST only); back to where the button was."""

    ACTIONS = {"pause": mailing_pause, "resume": mailing_resume, "cancel": mailing_cancel}
    DONE = {"pause": gettext_lazy("Paused. Nothing more is sent until you resume."),
            "resume": gettext_lazy("Resumed: the remaining messages are being sent."),
            "cancel": gettext_lazy("Cancelled. Messages not yet sent will not be sent.")}

    def post(self, request, pk):
        action = request.POST.get("action")
        if action not in self.ACTIONS:
            messages.error(request, _("Unknown action."))
        else:
            try:
                self.ACTIONS[action](mailing=self.mailing, actor=request.user)
                messages.success(request, self.DONE[action])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        target = "overview" if request.POST.get("next") == "overview" else "progress"
        return redirect(self.url(target))


def progress_for_display(mailing: Mailing) -> dict:
    """The progress selector's numbers plus the rate in words, in the user's language (for page and poll alike)."""
    progress = mailing_progress(mailing=mailing)
    progress["rate_label"] = sending_rate(per_second=progress["rate"], per_minute=progress["rate_per_minute"],
                                          window_seconds=progress["rate_window"])
    return progress


class MailingProgressView(MailingView):
    permission_required = "view"
    template_name = "outreach/mailings/progress.html"
    page_title = gettext_lazy("Progress")

    def get(self, request, pk):
        return self.render_to_response(self.get_context_data(progress=progress_for_display(self.mailing)))


class MailingProgressJsonView(MailingView):
    permission_required = "view"

    def get(self, request, pk):
        return JsonResponse(progress_for_display(self.mailing))
