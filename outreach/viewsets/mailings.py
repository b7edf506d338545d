"""Mailings and sender identities in the admin.

A mailing is written on one form (audience, tracking, schedule, and the
content per language), then handled from its overview page: preview, test
send, send or schedule, progress, report. The steps after writing are in
outreach.viewsets.mailing_views and mailing_reports; they only call the
services in outreach.services.mailings / sending and the selectors in
outreach.selectors_mailings.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from outreach.models import Mailing, SenderIdentity
from outreach.selectors_mailings import mailing_recipient_count
from outreach.services.mailings import EDITABLE_STATUSES
from outreach.viewsets.mailing_forms import MailingForm, content_forms, content_forms_valid, mailing_form_save
from outreach.viewsets.mailing_reports import MailingReportExportView, MailingReportView
from outreach.viewsets.mailing_views import (
    MailingControlView,
    MailingOverviewView,
    MailingPreviewView,
    MailingProgressJsonView,
    MailingProgressView,
    MailingSendView,
    MailingTestSendView,
)

EXTRA_URL_NAMES = ("overview", "preview", "test_send", "send", "control", "progress", "progress_json", "report",
                   "report_export")


def overview_url(mailing) -> str:
    from outreach.wagtail_hooks import mailing_viewset

    return reverse(mailing_viewset.get_url_name("overview"), args=[mailing.pk])


class MailingIndexView(generic.IndexView):
    table_classname = "dialogdesk-scroll-table"  # scrolls sideways on a phone (outreach/static/outreach/css/admin.css)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("sender")

    def get_edit_url(self, instance):
        # A click on a mailing leads to its overview, where preview, test and send are.
        return overview_url(instance)


class MailingFormViewMixin:
    """Create and edit: the mailing form plus one content form per language, saved together."""

    template_name = "outreach/mailings/form.html"

    @property
    def content_forms(self):
        if not hasattr(self, "_content_forms"):
            is_post = self.request.method == "POST"
            self._content_forms = content_forms(getattr(self, "object", None),
                                                self.request.POST if is_post else None,
                                                self.request.FILES if is_post else None)
        return self._content_forms

    def form_valid(self, form):
        if not content_forms_valid(self.content_forms):
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            # The service checks again under a row lock: the mailing may have been started since the GET.
            form.add_error(None, exc.messages)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def form_invalid(self, form):
        content_forms_valid(self.content_forms)  # so their errors show along with the mailing form's
        return super().form_invalid(form)

    def save_instance(self):
        mailing = mailing_form_save(form=self.form, contents=self.content_forms, user=self.request.user)
        log(instance=mailing, action="wagtail.create" if self.is_create else "wagtail.edit", content_changed=True)
        return mailing

    def get_success_url(self):
        return overview_url(self.object)

    def get_success_buttons(self):
        return []

    def get_context_data(self, **kwargs):
        # The file inputs are in the content forms, not in the mailing form Wagtail's template asks.
        is_multipart = any(content.is_multipart() for content in self.content_forms)
        context = super().get_context_data(content_forms=self.content_forms, form_is_multipart=is_multipart, **kwargs)
        for content in self.content_forms:  # the block editor's scripts and styles
            context["media"] += content.media
        return context


class MailingCreateView(MailingFormViewMixin, generic.CreateView):
    is_create = True
    success_message = _("Mailing '%(object)s' saved. Check the preview, send a test, then send it.")


class MailingEditView(MailingFormViewMixin, generic.EditView):
    is_create = False
    success_message = _("Mailing '%(object)s' saved.")

    def _locked(self):
        # Once sending has begun, the batches read the stored subject: a change now would split the mailing.
        self.object = self.get_object()
        if self.object.status not in EDITABLE_STATUSES:
            messages.warning(self.request, _("This mailing is %(status)s and can no longer be changed.")
                             % {"status": self.object.get_status_display()})
            return redirect(overview_url(self.object))
        return None

    def get(self, request, *args, **kwargs):
        return self._locked() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._locked() or super().post(request, *args, **kwargs)


class MailingDeleteView(generic.DeleteView):
    """Only drafts can be deleted: a sent mailing's messages are the record of who got what."""

    def _refuse(self):
        if self.object.status != Mailing.Status.DRAFT:
            messages.error(self.request, _("Only a draft can be deleted; this mailing is %(status)s.")
                           % {"status": self.object.get_status_display()})
            return redirect(overview_url(self.object))
        return None

    def get(self, request, *args, **kwargs):
        return self._refuse() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refuse() or super().post(request, *args, **kwargs)


def _recipient_count(mailing) -> int:
    # The overview's number: a draft's is who would get it now, not the 0 it has before the freeze.
    return mailing_recipient_count(mailing=mailing)


def _audience_label(mailing) -> str:
    return ", ".join([str(x) for x in mailing.lists.all()] + [str(x) for x in mailing.segments.all()])


class MailingViewSet(ModelViewSet):
    """One-off mailings: write, preview, test, send or schedule, follow the progress, read the report."""

    model = Mailing
    icon = "mail"
    menu_label = _("Mailings")
    add_to_admin_menu = False
    form_fields = ["title"]
    index_view_class = MailingIndexView
    add_view_class = MailingCreateView
    edit_view_class = MailingEditView
    delete_view_class = MailingDeleteView
    list_display = [
        TitleColumn("title", label=_("Title"), get_url=overview_url),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("audience", label=_("Audience"), accessor=_audience_label),
        Column("recipients", label=_("Recipients"), accessor=_recipient_count),
        DateColumn("scheduled_at", label=_("Scheduled for")),
        DateColumn("started_at", label=_("Started")),
    ]
    list_filter = ["status"]
    search_fields = ["title"]
    ordering = ["-created_at"]

    def get_form_class(self, for_update=False):
        return MailingForm

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            url_names={name: self.get_url_name(name) for name in EXTRA_URL_NAMES}, **kwargs
        )

    def get_urlpatterns(self):
        view = self.construct_view
        return super().get_urlpatterns() + [
            path("<int:pk>/overview/", view(MailingOverviewView), name="overview"),
            path("<int:pk>/preview/<str:locale>/", view(MailingPreviewView), name="preview"),
            path("<int:pk>/test/", view(MailingTestSendView), name="test_send"),
            path("<int:pk>/send/", view(MailingSendView), name="send"),
            path("<int:pk>/control/", view(MailingControlView), name="control"),
            path("<int:pk>/progress/", view(MailingProgressView), name="progress"),
            path("<int:pk>/progress/json/", view(MailingProgressJsonView), name="progress_json"),
            path("<int:pk>/report/", view(MailingReportView), name="report"),
            path("<int:pk>/report/export/", view(MailingReportExportView), name="report_export"),
        ]


class SenderIdentityViewSet(ModelViewSet):
    """Who a mailing comes from: name, address, reply-to and the imprint in the footer."""

    model = SenderIdentity
    icon = "user"
    menu_label = _("Sender identities")
    add_to_admin_menu = False
    form_fields = ["label", "from_name", "from_email", "reply_to_email", "imprint", "is_default"]
    list_display = ["label", "from_name", "from_email", "reply_to_email", "is_default"]
    search_fields = ["label", "from_name", "from_email"]
    ordering = ["label"]
