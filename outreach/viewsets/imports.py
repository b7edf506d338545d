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
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from outreach.imports.mapping import FIELDS, JOURNALIST, PROTAGONIST
from outreach.mailable import import_target_choices
from outreach.models import Contact, ContactImport, ContactList
from outreach.imports.labels import labelled_sample, problem_summary
from outreach.viewsets.audiences import members_url
from outreach.services.imports import (
    contact_import_gdpr_check,
    contact_import_preview,
    contact_import_progress,
    contact_import_retry,
    contact_import_start,
    contact_import_upload,
    max_bytes,
)


PROFILE_CHOICES = [("", _("No profiles")), (JOURNALIST, _("Journalists (journalist profile)")),
                   (PROTAGONIST, _("Protagonists (protagonist profile)"))]


class ContactImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"),
                           help_text=_("CSV (comma or semicolon, UTF-8 or Windows-1252) or .xlsx; exports from "
                                       "Excel, Mailchimp and listmonk are recognised."))
    # No default: which basis applies is the officer's decision (Art. 6 GDPR), never a preselected choice.
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=[("", "---------"), *Contact.LegalBasis.choices],
                                    required=False,
                                    help_text=_("Applies to the new contacts; existing contacts keep theirs."))
    data_origin = forms.ChoiceField(
        label=_("Where do the addresses come from?"), choices=[("", "---------"), *Contact.DataOrigin.choices],
        required=False,
        help_text=_("Addresses not collected from the people themselves are marked 'Art. 14 notice due'; "
                    "the first mailing to them carries the notice."),
    )
    legal_basis_note = forms.CharField(label=_("Documented reason (legitimate interest)"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))
    consent_source = forms.CharField(label=_("Consent obtained through"), required=False, max_length=255,
                                     help_text=_("For consent: e.g. the sign-up form at the trade fair."))
    consent_given_on = forms.DateField(label=_("Consent given on"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    consent_reference = forms.CharField(label=_("Where the proof is kept"), required=False, max_length=255,
                                        help_text=_("For consent: a reference (file, folder, ticket) or upload "
                                                    "the document below."))
    consent_document = forms.FileField(label=_("Consent proof (document)"), required=False)
    source = forms.CharField(label=_("Source of the data"), required=False, max_length=255)
    profile_kind = forms.ChoiceField(
        label=_("Create profiles"), choices=PROFILE_CHOICES, required=False,
        help_text=_("Journalists appear in beat and region segments; columns such as Ressort, Medium, Ort/Region "
                    "and Funktion fill the profile."),
    )
    target_list = forms.ModelChoiceField(label=_("Add to list"), queryset=ContactList.objects.all(), required=False)
    # Filled from outreach.mailable.import_target_choices (e.g. newsletters); left out when no app offers any.
    import_target = forms.ChoiceField(
        label=_("Attach to"), required=False,
        help_text=_("E.g. a newsletter: with consent and its proof above, the contacts become confirmed "
                    "subscribers; otherwise they are marked as needing re-confirmation and get nothing until "
                    "they confirm."),
    )
    tags = forms.CharField(label=_("Tags for the imported contacts"), required=False, max_length=255,
                           help_text=_("Separated by commas."))
    create_organisations = forms.BooleanField(
        label=_("Create unknown organisations"), required=False, initial=True,
        help_text=_("Otherwise contacts whose organisation is not known yet are imported without one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = import_target_choices()
        if targets:
            self.fields["import_target"].choices = [("", _("— nothing —")), *targets]
        else:
            del self.fields["import_target"]

    def clean(self):
        cleaned = super().clean()
        try:
            contact_import_gdpr_check(**{name: cleaned.get(name) or ("" if name != "consent_given_on" else None)
                                         for name in GDPR_FIELDS})
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                self.add_error(field, messages_)
        return cleaned


GDPR_FIELDS = ("legal_basis", "data_origin", "legal_basis_note", "consent_source", "consent_given_on",
               "consent_reference", "consent_document")


class ContactImportMappingForm(forms.Form):
    """One select per column of the file: which contact field it fills, or none; and which profile."""

    def __init__(self, *args, headers, mapping, profile_kind="", **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.fields["profile_kind"] = forms.ChoiceField(label=_("Create profiles"), choices=PROFILE_CHOICES,
                                                        required=False, initial=profile_kind)
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
                    source=data["source"], tags=data["tags"], create_organisations=data["create_organisations"],
                    profile_kind=data["profile_kind"], import_target=data.get("import_target", ""),
                    **{name: data[name] for name in GDPR_FIELDS},
                )
            except ValidationError as exc:
                form.add_error(None if hasattr(exc, "error_dict") else "file", exc)
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
        form = ContactImportMappingForm(headers=contact_import.headers, mapping=contact_import.column_mapping,
                                        profile_kind=contact_import.profile_kind)
        return self.render_to_response(self.get_context_data(contact_import=contact_import, form=form))

    def post(self, request, pk):
        contact_import = self.get_import(pk)
        form = ContactImportMappingForm(request.POST, headers=contact_import.headers,
                                        mapping=contact_import.column_mapping, profile_kind=contact_import.profile_kind)
        if form.is_valid():
            profile_kind = form.cleaned_data["profile_kind"]
            try:
                if request.POST.get("action") == "start":
                    if (form.mapping() != contact_import.column_mapping or profile_kind != contact_import.profile_kind
                            or not contact_import.preview):
                        raise ValidationError(_("The mapping changed: check the new preview, then start."))
                    contact_import_start(contact_import=contact_import, user=request.user)
                    return redirect(self.url("progress", contact_import))
                contact_import_preview(contact_import=contact_import, column_mapping=form.mapping(),
                                       profile_kind=profile_kind)
                return redirect(self.url("preview", contact_import))
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(self.get_context_data(contact_import=contact_import, form=form), status=400)

    def get_context_data(self, **kwargs):
        preview = kwargs["contact_import"].preview or {}
        return super().get_context_data(
            preview=preview, counts=preview.get("counts", {}),
            # Real problems (rows left out, addresses flagged as damaged) apart from information on rows that
            # are imported ("Organisation … will be created").
            problems=preview.get("problems", []), information=preview.get("warnings", []),
            problem_summary=problem_summary(preview.get("problem_counts", {})),
            information_summary=problem_summary(preview.get("warning_counts", {})),
            mapping_notes=preview.get("notes", []),
            sample=labelled_sample(preview.get("sample", [])),
            import_target_label=dict(import_target_choices()).get(kwargs["contact_import"].import_target, ""),
            **kwargs,
        )


class ContactImportProgressView(ContactImportView):
    template_name = "outreach/imports/progress.html"
    page_title = _("Import progress")

    def get(self, request, pk):
        contact_import = self.get_import(pk)
        stored = contact_import.problems
        return self.render_to_response(self.get_context_data(
            contact_import=contact_import, progress=contact_import_progress(contact_import=contact_import),
            progress_url=self.url("progress_json", contact_import),
            problems=[item for item in stored if item.get("rejected")],
            information=[item for item in stored if not item.get("rejected")],
            contacts_url=imported_contacts_url(contact_import),
            list_url=members_url(contact_import.target_list) if contact_import.target_list_id else "",
        ))

    def post(self, request, pk):
        """Start a failed import again; it resumes after its last committed batch."""
        contact_import = contact_import_retry(contact_import=self.get_import(pk), user=request.user)
        return redirect(self.url("progress", contact_import))


def imported_contacts_url(contact_import: ContactImport) -> str:
    from outreach.wagtail_hooks import contact_viewset

    return f"{reverse(contact_viewset.get_url_name('index'))}?{urlencode({'contact_import': contact_import.pk})}"


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
                           "warning_count", "legal_basis", "data_origin", "consent_source", "consent_given_on",
                           "consent_reference", "consent_document", "profile_kind", "import_target", "source", "tags", "error", "created_by", "created_at",
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
