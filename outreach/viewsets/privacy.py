"""GDPR in the admin: objection, erasure (the contact delete view), Art. 14 notice, data-subject export,
the suppression list and the export log."""

import json
import os

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet

from outreach.models import Contact, ExportLog, SuppressionEntry
from outreach.services.contacts import contact_object, contact_record_art14_notice, email_suppress
from outreach.selectors import suppression_list_queryset
from outreach.services.privacy import contact_data_export
from outreach.viewsets.permissions import OutreachPermissionPolicy
from outreach.viewsets.responses import export_response


def contact_privacy_urls(contact: Contact) -> dict:
    from outreach.wagtail_hooks import contact_viewset

    return {
        name: reverse(contact_viewset.get_url_name(name), args=[contact.pk])
        for name in ("objection", "art14_notice", "data_export", "consent_document", "delete")
    }


class ContactActionMixin(PermissionCheckedMixin):
    """A one-contact GDPR action, mounted on the contact viewset, checked against its permission policy."""

    model = Contact
    inspect_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.contact = get_object_or_404(Contact, pk=kwargs["pk"])

    def inspect_url(self):
        return reverse(self.inspect_url_name, args=[self.contact.pk])


class ObjectionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the objection came in (e.g. 'e-mail of 3 May to the press office')."),
    )


class ContactObjectionView(ContactActionMixin, WagtailAdminTemplateMixin, FormView):
    """Objection (Art. 21 GDPR): one click plus a confirmation; the address is suppressed everywhere at once."""

    permission_required = "change"
    template_name = "outreach/contact/confirm_objection.html"
    form_class = ObjectionForm
    page_title = _("Objection")
    header_icon = "warning"

    def get_page_subtitle(self):
        return str(self.contact)

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact=self.contact, cancel_url=self.inspect_url(), **kwargs)

    def form_valid(self, form):
        contact_object(contact=self.contact, actor=self.request.user, note=form.cleaned_data["note"])
        messages.success(self.request, _("Objection recorded: %(contact)s gets no more mail from any list or segment.")
                         % {"contact": self.contact})
        return redirect(self.inspect_url())


class ContactArt14NoticeView(ContactActionMixin, View):
    """Art. 14 GDPR: record that the notice went out. POST only; recording it twice keeps the first date."""

    permission_required = "change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        contact_record_art14_notice(contact=self.contact, actor=request.user)
        messages.success(request, _("Art. 14 notice recorded for %(contact)s.") % {"contact": self.contact})
        return redirect(self.inspect_url())


class ContactDataExportView(ContactActionMixin, View):
    """Art. 15 GDPR: everything held about the person, as a JSON download (logged)."""

    any_permission_required = ["view", "change"]
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        data = contact_data_export(contact=self.contact, actor=request.user)
        content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
        return export_response(content, "json", f"contact-{self.contact.pk}")


class ContactConsentDocumentView(ContactActionMixin, View):
    """The consent proof document of the import that created the contact (one file for all its contacts)."""

    any_permission_required = ["view", "change"]
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        contact_import = self.contact.consent_import
        if contact_import is None or not contact_import.consent_document:
            raise Http404
        document = contact_import.consent_document
        # The admin's views are never cached (no-store): the document holds personal data.
        return FileResponse(document.open("rb"), as_attachment=True, filename=os.path.basename(document.name))


class SuppressForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class SuppressionCreateView(generic.CreateView):
    """Block an address by hand, whether or not a contact exists for it; only its hash is stored."""

    form_class = SuppressForm

    def get_panel(self):
        # The viewset's panel and form are built for the model's fields (note
        # only); this form asks for the address, which is hashed and never stored.
        return None

    def get_form_class(self):
        return SuppressForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs.pop("for_user", None)
        return kwargs

    def form_valid(self, form):
        try:
            self.object = email_suppress(email=form.cleaned_data["email"], reason=SuppressionEntry.Reason.MANUAL,
                                         actor=self.request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error("email", error)
            return self.form_invalid(form)
        messages.success(self.request, _("The address is on the suppression list now."))
        return redirect(self.get_success_url())


class SuppressionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return suppression_list_queryset()


def suppressed_person(entry) -> str:
    """Who: the contact if still known; after erasure only the start of the hash (nothing else is kept)."""
    if entry.contact_id is None:
        return _("Erased person (hash %(hash)s…)") % {"hash": entry.email_hash[:16]}
    name = " ".join(part for part in (entry.contact_first_name, entry.contact_last_name) if part)
    return f"{name} <{entry.contact_email}>" if name else entry.contact_email


def suppressed_person_url(entry) -> str | None:
    from outreach.wagtail_hooks import contact_viewset

    return reverse(contact_viewset.get_url_name("inspect"), args=[entry.contact_id]) if entry.contact_id else None


class SuppressionEntryViewSet(ModelViewSet):
    """The global suppression list. Entries are never edited; only an administrator may remove one
    (a block added by mistake), since removing it lets the address be mailed again."""

    model = SuppressionEntry
    icon = "cross"
    menu_label = _("Suppression list")
    add_to_admin_menu = False
    add_view_class = SuppressionCreateView
    form_fields = ["note"]
    index_view_class = SuppressionIndexView
    list_display = [
        TitleColumn("person", label=_("Who"), accessor=suppressed_person, get_url=suppressed_person_url),
        Column("reason", label=_("Why"), accessor="get_reason_display"),
        "note",
        Column("created_by", label=_("Recorded by"), accessor=lambda e: e.created_by or "–"),
        DateColumn("created_at", label=_("Since")),
    ]
    list_filter = ["reason"]
    search_fields = ["email_hash", "note"]
    inspect_view_enabled = True

    @cached_property
    def permission_policy(self):
        return OutreachPermissionPolicy(SuppressionEntry, denied_actions=("change",), superuser_only_actions=("delete",))


class ExportLogViewSet(ModelViewSet):
    """Who exported which contacts and when. Read-only for everyone: a log that can be edited proves nothing."""

    model = ExportLog
    icon = "download"
    menu_label = _("Export log")
    add_to_admin_menu = False
    form_fields = ["description"]
    list_display = [
        "description",
        Column("exported_by", label=_("By")),
        Column("file_format", label=_("Format")),
        Column("row_count", label=_("Rows")),
        DateColumn("exported_at", label=_("When")),
    ]
    list_filter = ["file_format", "exported_by"]
    search_fields = ["description"]

    @cached_property
    def permission_policy(self):
        return OutreachPermissionPolicy(ExportLog, denied_actions=("add", "change", "delete"))
