"""Bulk actions on the contact listing: add to list, tag, export.

Wagtail 7.4 renders bulk actions only on snippet listings out of the box; the
contact index view adds the checkbox column and footer itself (see
outreach/templates/outreach/contact/index.html) and these actions register
through the 'register_bulk_action' hook like snippet actions do.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.views.bulk_action import BulkAction

from outreach.models import Contact, ContactList
from outreach.services.audiences import list_add_contacts
from outreach.services.exports import contacts_export
from outreach.services.tags import contacts_tag, tag_names_clean
from outreach.viewsets.responses import export_response


class ContactBulkAction(BulkAction):
    models = [Contact]
    permission_required = "change"

    def dispatch(self, request, *args, **kwargs):
        from outreach.wagtail_hooks import contact_viewset

        # The bulk action URL lives outside the viewset, so its policy is checked here.
        if not contact_viewset.permission_policy.user_has_permission(request.user, self.permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        return list(Contact.objects.filter(pk__in=[pk for pk in object_ids if str(pk).isdigit()]))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "header_icon": "user", "action_label": self.display_name}

    def get_execution_context(self):
        return {"user": self.request.user, "form": self.cleaned_form}


class AddToListForm(forms.Form):
    contact_list = forms.ModelChoiceField(
        label=_("List"), queryset=ContactList.objects.order_by("name"),
        error_messages={"required": _("Choose the list to add the contacts to.")},
    )


class AddToListBulkAction(ContactBulkAction):
    display_name = _("Add to list")
    action_type = "add_to_list"
    aria_label = _("Add the selected contacts to a list")
    template_name = "outreach/bulk_actions/confirm.html"
    form_class = AddToListForm
    action_priority = 10

    @classmethod
    def execute_action(cls, objects, user=None, form=None, **kwargs):
        added = list_add_contacts(contact_list=form.cleaned_data["contact_list"],
                                  contact_ids=[contact.pk for contact in objects], actor=user)
        return added, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d contact added to %(list)s.", "%(count)d contacts added to %(list)s.", num_parent_objects
        ) % {"count": num_parent_objects, "list": self.cleaned_form.cleaned_data["contact_list"]}


class TagForm(forms.Form):
    tags = forms.CharField(label=_("Tags"), help_text=_("Separate several tags with commas."), max_length=500)

    def clean_tags(self):
        names = tag_names_clean(self.cleaned_data["tags"])
        if not names:
            raise ValidationError(_("Give at least one tag."))
        return names


class TagBulkAction(ContactBulkAction):
    display_name = _("Tag")
    action_type = "tag"
    aria_label = _("Tag the selected contacts")
    template_name = "outreach/bulk_actions/confirm.html"
    form_class = TagForm
    action_priority = 20

    @classmethod
    def execute_action(cls, objects, user=None, form=None, **kwargs):
        return contacts_tag(contact_ids=[c.pk for c in objects], tags=form.cleaned_data["tags"], actor=user), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(count)d contact tagged.", "%(count)d contacts tagged.", num_parent_objects) % {
            "count": num_parent_objects
        }


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")],
                                    widget=forms.RadioSelect, initial="xlsx")
    purpose = forms.CharField(
        label=_("Purpose"), max_length=300,
        help_text=_("Why the data leaves the system (kept in the export log), e.g. 'invitation list for the Erfurt dialogue'."),
        error_messages={"required": _("Say what the export is for: it is kept in the export log.")},
    )


class ExportBulkAction(ContactBulkAction):
    display_name = _("Export")
    action_type = "export"
    aria_label = _("Export the selected contacts")
    template_name = "outreach/bulk_actions/confirm.html"
    form_class = ExportForm
    permission_required = "view"
    action_priority = 30

    def form_valid(self, form):
        # A download, not a redirect: the base class's form_valid would send the user back to the listing.
        objects, _no_access = self.get_actionable_objects()
        content = contacts_export(
            queryset=Contact.objects.filter(pk__in=[c.pk for c in objects]), file_format=form.cleaned_data["file_format"],
            actor=self.request.user,
            description=_("%(count)d selected contacts: %(purpose)s") % {"count": len(objects),
                                                                          "purpose": form.cleaned_data["purpose"]},
        )
        return export_response(content, form.cleaned_data["file_format"], "contacts")

    @classmethod
    def execute_action(cls, objects, **kwargs):  # pragma: no cover - form_valid answers with the file
        raise NotImplementedError


CONTACT_BULK_ACTIONS = (AddToListBulkAction, TagBulkAction, ExportBulkAction)
