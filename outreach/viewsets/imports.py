"""Contact imports in the admin: upload -> preview with column mapping -> confirm -> progress.

The views only collect input and call outreach.services.imports; the work is
done by the services (the preview) and the Celery task (the run). Every view
needs the permission to add contact imports.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from outreach.imports.mapping import FIELDS
from outreach.models import Contact, ContactImport, ContactList
from outreach.imports.labels import labelled_sample, problem_summary
from outreach.services.imports import (
    contact_import_preview,
    contact_import_progress,
    contact_import_retry,
    contact_import_start,
    contact_import_upload,
    max_bytes,
)


class ContactImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"),
                           help_text=_("CSV (comma or semicolon, UTF-8 or Windows-1252) or .xlsx; exports from "
                                       "Excel, Mailchimp and listmonk are recognised."))
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=Contact.LegalBasis.choices,
                                    help_text=_("Applies to the new contacts; existing contacts keep theirs."))
    legal_basis_note = forms.CharField(label=_("Documented reason or consent proof"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(label=_("Source of the data"), required=False, max_length=255)
    target_list = forms.ModelChoiceField(label=_("Add to list"), queryset=ContactList.objects.all(), required=False)
    tags = forms.CharField(label=_("Tags for the imported contacts"), required=False, max_length=255,
                           help_text=_("Separated by commas."))
    create_organisations = forms.BooleanField(
        label=_("Create unknown organisations"), required=False, initial=True,
        help_text=_("Otherwise contacts whose organisation is not known yet are imported without one."),
    )


class ContactImportMappingForm(forms.Form):
    """One select per column of the file: which contact field it fills, or none."""

    def __init__(self, *args, headers, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", _("— do not import —"))] + [(name, label) for name, label in FIELDS.items()]
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=mapping.get(header, ""),
            )

    def mapping(self) -> dict:
        return {header: self.cleaned_data.get(f"column_{index}", "") for index, header in enumerate(self.headers)}


class ContactImportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    permission_required = "add"
    header_icon = "upload"
    index_url_name = None
    url_names: dict = {}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": _("Imports")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_import(self, pk) -> ContactImport:
        return get_object_or_404(ContactImport, pk=pk)

    def url(self, name, contact_import) -> str:
        return reverse(self.url_names[name], args=[contact_import.pk])

    def next_step(self, contact_import: ContactImport):
        """Uploaded or previewed imports go to the preview, started ones to the progress page."""
        if contact_import.status in (ContactImport.Status.UPLOADED, ContactImport.Status.PREVIEWED):
            return redirect(self.url("preview", contact_import))
        return redirect(self.url("progress", contact_import))


class ContactImportUploadView(ContactImportView):
    template_name = "outreach/imports/upload.html"
    page_title = _("Import contacts")

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=ContactImportUploadForm()))

    def post(self, request):
        form = ContactImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                contact_import, warnings = contact_import_upload(
                    file=data["file"], user=request.user, target_list=data["target_list"],
                    legal_basis=data["legal_basis"], legal_basis_note=data["legal_basis_note"],
                    source=data["source"], tags=data["tags"], create_organisations=data["create_organisations"],
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                if warnings:
                    messages.warning(request, " ".join(warnings))
                return redirect(self.url("preview", contact_import))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        return super().get_context_data(max_megabytes=max_bytes() // (1024 * 1024), **kwargs)


class ContactImportPreviewView(ContactImportView):
    template_name = "outreach/imports/preview.html"
    page_title = _("Check the import")

    def get(self, request, pk):
        contact_import = self.get_import(pk)
        if contact_import.status not in (ContactImport.Status.UPLOADED, ContactImport.Status.PREVIEWED):
            return self.next_step(contact_import)
        form = ContactImportMappingForm(headers=contact_import.headers, mapping=contact_import.column_mapping)
        return self.render_to_response(self.get_context_data(contact_import=contact_import, form=form))

    def post(self, request, pk):
        contact_import = self.get_import(pk)
        form = ContactImportMappingForm(request.POST, headers=contact_import.headers,
                                        mapping=contact_import.column_mapping)
        if form.is_valid():
            try:
                if request.POST.get("action") == "start":
                    if form.mapping() != contact_import.column_mapping or not contact_import.preview:
                        raise ValidationError(_("The mapping changed: check the new preview, then start."))
                    contact_import_start(contact_import=contact_import, user=request.user)
                    return redirect(self.url("progress", contact_import))
                contact_import_preview(contact_import=contact_import, column_mapping=form.mapping())
                return redirect(self.url("preview", contact_import))
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(self.get_context_data(contact_import=contact_import, form=form), status=400)

    def get_context_data(self, **kwargs):
        preview = kwargs["contact_import"].preview or {}
        return super().get_context_data(
            preview=preview, counts=preview.get("counts", {}),
            problems=preview.get("problems", []) + preview.get("warnings", []),
            problem_summary=problem_summary(preview.get("problem_counts", {})),
            sample=labelled_sample(preview.get("sample", [])), **kwargs,
        )


class ContactImportProgressView(ContactImportView):
    template_name = "outreach/imports/progress.html"
    page_title = _("Import progress")

    def get(self, request, pk):
        contact_import = self.get_import(pk)
        return self.render_to_response(self.get_context_data(
            contact_import=contact_import, progress=contact_import_progress(contact_import=contact_import),
            progress_url=self.url("progress_json", contact_import),
        ))

    def post(self, request, pk):
        """Start a failed import again; it resumes after its last committed batch."""
        contact_import = contact_import_retry(contact_import=self.get_import(pk), user=request.user)
        return redirect(self.url("progress", contact_import))


class ContactImportProgressJsonView(ContactImportView):
    def get(self, request, pk):
        return JsonResponse(contact_import_progress(contact_import=self.get_import(pk)))


class ContactImportEditView(ContactImportView):
    """Imports are not edited as forms: the "edit" link leads to the step the import is at."""

    def get(self, request, pk):
        return self.next_step(self.get_import(pk))


class ContactImportViewSet(ModelViewSet):
    """Contact imports: upload, preview with column mapping, run in the background with progress."""

    model = ContactImport
    icon = "upload"
    menu_label = _("Imports")
    add_to_admin_menu = False
    list_display = ["original_filename", "status", "total_rows", "created_count", "updated_count",
                    "unchanged_count", "rejected_count", "created_at"]
    form_fields = ["file"]
    inspect_view_enabled = True
    inspect_view_fields = ["original_filename", "file_format", "encoding", "delimiter", "status", "total_rows",
                           "processed_rows", "created_count", "updated_count", "unchanged_count", "rejected_count",
                           "warning_count", "legal_basis", "source", "tags", "error", "created_by", "created_at",
                           "started_at", "finished_at"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(url_names={
            name: self.get_url_name(name) for name in ("preview", "progress", "progress_json")
        }, **kwargs)

    @cached_property
    def add_view(self):
        return self.construct_view(ContactImportUploadView)

    @cached_property
    def edit_view(self):
        return self.construct_view(ContactImportEditView)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("preview/<int:pk>/", self.construct_view(ContactImportPreviewView), name="preview"),
            path("progress/<int:pk>/", self.construct_view(ContactImportProgressView), name="progress"),
            path("progress/<int:pk>/json/", self.construct_view(ContactImportProgressJsonView), name="progress_json"),
        ]
