"""Contacts and organisations in the admin. Every write goes through outreach.services."""

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from outreach.filters import ContactFilterSet, OrganisationFilterSet
from outreach.models import Contact, Organisation
from outreach.selectors import (
    contact_follow_ups_open,
    contact_list_queryset,
    contact_lists,
    contact_privacy_state,
    contact_status,
    contact_timeline,
)
from outreach.services.contacts import EDITABLE_FIELDS, contact_create, contact_erase, contact_update
from outreach.services.exports import contacts_export
from outreach.services.organisations import organisation_name_check, organisation_save
from outreach.services.tags import contact_tags_set
from outreach.viewsets.responses import export_response


class ContactForm(WagtailAdminModelForm):
    """The address is the person's identity (suppression is keyed by it): it is set once, never edited."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "email" in self.fields:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("The address cannot be changed: add a new contact instead.")
        if not self.instance.pk and "legal_basis" in self.fields:
            # No default legal basis: the officer decides, for each new contact, on which basis it is kept.
            self.fields["legal_basis"].choices = [("", "---------"), *Contact.LegalBasis.choices]
            self.initial["legal_basis"] = ""
        if "data_origin" in self.fields:
            self.fields["data_origin"].help_text = _(
                "Anything but 'from the person themselves' makes the Art. 14 notice due; "
                "the first mailing carries it.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("legal_basis") == Contact.LegalBasis.CONSENT and not cleaned.get("consent_given_at"):
            self.add_error("consent_given_at", _("For consent, give the date the person agreed (the proof)."))
        if cleaned.get("legal_basis") == Contact.LegalBasis.LEGITIMATE_INTEREST and not (
            cleaned.get("legal_basis_note") or ""
        ).strip():
            self.add_error("legal_basis_note", _("For legitimate interest, document the reason."))
        return cleaned

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}


class ServiceErrorsMixin:
    """A service's ValidationError (e.g. address on the suppression list) is shown on the form, not as a 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ContactCreateView(ServiceErrorsMixin, generic.CreateView):
    def save_instance(self):
        contact = contact_create(email=self.form.cleaned_data["email"], actor=self.request.user,
                                 **self.form.service_fields())
        contact_tags_set(contact=contact, tags=self.form.cleaned_data.get("tags") or [], actor=self.request.user)
        log(instance=contact, action="wagtail.create", content_changed=True)
        return contact


class ContactEditView(ServiceErrorsMixin, generic.EditView):
    def save_instance(self):
        # The form has already written its values onto self.object; the service
        # compares against the stored row to record only real changes.
        stored = Contact.objects.get(pk=self.object.pk)
        contact = contact_update(contact=stored, actor=self.request.user, **self.form.service_fields())
        contact_tags_set(contact=contact, tags=self.form.cleaned_data.get("tags") or [], actor=self.request.user)
        log(instance=contact, action="wagtail.edit", content_changed=self.form.has_changed())
        return contact


class ContactIndexView(generic.IndexView):
    table_classname = "dialogdesk-scroll-table"  # scrolls sideways on a phone (outreach/static/outreach/css/admin.css)

    def get_base_queryset(self):
        return contact_list_queryset()

    @cached_property
    def columns(self):
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="contact"), *super().columns]

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # A contact opens on its page (timeline, follow-ups, GDPR), not on the edit form.
        return self._get_custom_column(
            field_name, self._get_title_column_class(column_class),
            get_url=lambda contact: self.get_inspect_url(contact),
            get_title_id=lambda contact: f"contact_{contact.pk}_title", **kwargs,
        )

    def as_spreadsheet(self, queryset, spreadsheet_format):
        """The listing's export buttons (filters and search applied) go through the logging, neutralising service."""
        description = _("Contacts listing (%(filters)s)") % {"filters": self.request.GET.urlencode() or "-"}
        content = contacts_export(queryset=Contact.objects.filter(pk__in=queryset.values("pk")),
                                  file_format=spreadsheet_format, actor=self.request.user, description=description)
        return export_response(content, spreadsheet_format, "contacts")


class ContactInspectView(generic.InspectView):
    template_name = "outreach/contact/inspect.html"

    def get_object(self, queryset=None):
        return contact_list_queryset().select_related("journalist", "protagonist").get(pk=self.pk)

    def get_context_data(self, **kwargs):
        from outreach.viewsets.privacy import contact_privacy_urls

        contact = self.object
        return super().get_context_data(
            contact=contact,
            timeline=contact_timeline(contact=contact),
            follow_ups=contact_follow_ups_open(contact=contact),
            lists=contact_lists(contact=contact),
            privacy=contact_privacy_state(contact=contact),
            privacy_urls=contact_privacy_urls(contact),
            journalist=getattr(contact, "journalist", None),
            protagonist=getattr(contact, "protagonist", None),
            can_change=self.user_has_permission("change"),
            extra_sections=contact_extra_sections(self.request, contact),
            **kwargs,
        )


CONTACT_SECTIONS_HOOK = "outreach_contact_sections"


def contact_extra_sections(request, contact) -> list[str]:
    """Sections other apps add to a contact's page, without outreach importing them (DESIGN.md).

    An app registers a Wagtail hook in its wagtail_hooks.py:

        @hooks.register("outreach_contact_sections")
        def my_section(request, contact) -> str: ...

    It returns rendered HTML (escaped by its own template), or "" to show
    nothing; it checks its own permissions. Sections appear after the GDPR
    block, in hook order. newsletters shows the subscriptions and their proof there.
    """
    from django.utils.safestring import mark_safe
    from wagtail import hooks

    return [mark_safe(html) for hook in hooks.get_hooks(CONTACT_SECTIONS_HOOK) if (html := hook(request, contact))]


class ContactEraseView(generic.DeleteView):
    """Deleting a contact is erasure (Art. 17 GDPR): the address's hash stays on the suppression list,
    so there is no way in the admin to remove a person and then re-import them."""

    template_name = "outreach/contact/confirm_erase.html"
    page_title = _("Erase")
    success_message = _("%(model_name)s '%(object)s' erased. Only a hash of the address is kept, on the suppression list.")

    @cached_property
    def confirmation_message(self):
        return _("Erase %(contact)s? Everything held about the person is deleted at once and cannot be restored.") % {
            "contact": self.object
        }

    def delete_action(self):
        contact_erase(contact=self.object, actor=self.request.user, note=self.request.POST.get("note", "")[:1000])


CONTACT_PANELS = [
    MultiFieldPanel([
        FieldPanel("email"),
        FieldRowPanel([FieldPanel("salutation"), FieldPanel("academic_title")]),
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("position")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("mobile"), FieldPanel("language")]),
        FieldPanel("tags"),
    ], heading=_("Person")),
    MultiFieldPanel([
        FieldPanel("legal_basis"),
        FieldPanel("legal_basis_note"),
        FieldPanel("consent_given_at"),
        FieldRowPanel([FieldPanel("source"), FieldPanel("data_origin")]),
    ], heading=_("GDPR: legal basis and source")),
]


class ContactViewSet(ModelViewSet):
    """The press contact database. Only users with outreach rights (the press office) get past the permission policy."""

    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    add_to_admin_menu = False
    edit_handler = ObjectList(CONTACT_PANELS, base_form_class=ContactForm)
    index_view_class = ContactIndexView
    add_view_class = ContactCreateView
    edit_view_class = ContactEditView
    delete_view_class = ContactEraseView
    inspect_view_class = ContactInspectView
    inspect_view_enabled = True
    index_template_name = "outreach/contact/index.html"
    list_display = [
        "__str__",
        Column("organisation", label=_("Organisation")),
        Column("outlet", label=_("Outlet"), accessor=lambda c: getattr(getattr(c, "journalist", None), "outlet", None) or ""),
        Column("language", label=_("Language"), accessor="get_language_display"),
        Column("tags", label=_("Tags"), accessor=lambda c: ", ".join(t.name for t in c.tags.all())),
        Column("status", label=_("Status"), accessor=contact_status),
        DateColumn("last_contacted_at", label=_("Last contacted")),
    ]
    list_export = ["email"]  # shows the export buttons; the columns come from contacts_export
    list_per_page = 50
    search_fields = ["email", "first_name", "last_name", "position", "organisation__name"]
    filterset_class = ContactFilterSet
    ordering = ["last_name", "first_name"]

    def get_urlpatterns(self):
        from outreach.viewsets.privacy import (
            ContactArt14NoticeView,
            ContactConsentDocumentView,
            ContactDataExportView,
            ContactObjectionView,
        )

        def view(view_class):
            return view_class.as_view(permission_policy=self.permission_policy,
                                      inspect_url_name=self.get_url_name("inspect"))

        return super().get_urlpatterns() + [
            path("objection/<int:pk>/", view(ContactObjectionView), name="objection"),
            path("art14-notice/<int:pk>/", view(ContactArt14NoticeView), name="art14_notice"),
            path("data-export/<int:pk>/", view(ContactDataExportView), name="data_export"),
            path("consent-document/<int:pk>/", view(ContactConsentDocumentView), name="consent_document"),
        ]


class OrganisationForm(WagtailAdminModelForm):
    def clean_name(self):
        return organisation_name_check(name=self.cleaned_data.get("name"), organisation=self.instance)


class OrganisationCreateView(ServiceErrorsMixin, generic.CreateView):
    def save_instance(self):
        organisation = organisation_save(**self.form.cleaned_data)
        log(instance=organisation, action="wagtail.create", content_changed=True)
        return organisation


class OrganisationEditView(ServiceErrorsMixin, generic.EditView):
    def save_instance(self):
        organisation = organisation_save(organisation=Organisation.objects.get(pk=self.object.pk),
                                         **self.form.cleaned_data)
        log(instance=organisation, action="wagtail.edit", content_changed=self.form.has_changed())
        return organisation


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    add_to_admin_menu = False
    form_fields = ["name", "kind", "website", "city", "notes"]
    add_view_class = OrganisationCreateView
    edit_view_class = OrganisationEditView
    list_display = ["name", Column("kind", label=_("Kind"), accessor="get_kind_display"), "city", "website"]
    search_fields = ["name", "city"]
    filterset_class = OrganisationFilterSet
    ordering = ["name"]
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        from django.forms import modelform_factory

        return modelform_factory(Organisation, form=OrganisationForm, fields=self.form_fields,
                                 formfield_callback=self.formfield_for_dbfield)
