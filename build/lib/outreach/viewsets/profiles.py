"""Journalist and protagonist profiles, and follow-up tasks: reached from the contact page."""

from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet

from outreach.models import Contact, FollowUp, JournalistProfile, ProtagonistProfile
from outreach.services.activity import follow_up_close, follow_up_create
from outreach.services.profiles import follow_up_update, journalist_profile_save, protagonist_profile_save
from outreach.viewsets.contacts import ServiceErrorsMixin


def contact_inspect_url(contact: Contact) -> str:
    from outreach.wagtail_hooks import contact_viewset

    return reverse(contact_viewset.get_url_name("inspect"), args=[contact.pk])


class ForContactForm(WagtailAdminModelForm):
    """The contact is fixed once the row exists; a new one takes ?contact= from the contact page's link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "contact" in self.fields and self.instance.pk:
            self.fields["contact"].disabled = True


class ForContactCreateMixin(ServiceErrorsMixin):
    def get_initial(self):
        initial = super().get_initial()
        if str(self.request.GET.get("contact", "")).isdigit():
            initial["contact"] = int(self.request.GET["contact"])
        return initial

    def get_success_url(self):
        return contact_inspect_url(self.object.contact)


def _fields(form, names):
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


class JournalistSaveMixin(ForContactCreateMixin):
    def save_instance(self):
        return journalist_profile_save(
            contact=self.form.cleaned_data.get("contact") or self.object.contact, actor=self.request.user,
            **_fields(self.form, ("outlet", "role", "media_type", "languages", "beats", "regions")),
        )


class JournalistCreateView(JournalistSaveMixin, generic.CreateView):
    pass


class JournalistEditView(JournalistSaveMixin, generic.EditView):
    pass


class ProtagonistSaveMixin(ForContactCreateMixin):
    def save_instance(self):
        return protagonist_profile_save(
            contact=self.form.cleaned_data.get("contact") or self.object.contact, actor=self.request.user,
            **_fields(self.form, ("organisation", "function", "kind", "regions", "initiatives")),
        )


class ProtagonistCreateView(ProtagonistSaveMixin, generic.CreateView):
    pass


class ProtagonistEditView(ProtagonistSaveMixin, generic.EditView):
    pass


class ProfileViewSet(ModelViewSet):
    add_to_admin_menu = False
    search_fields = ["contact__email", "contact__first_name", "contact__last_name"]

    def get_form_class(self, for_update=False):
        return forms.modelform_factory(self.model, form=ForContactForm, fields=self.form_fields,
                                       formfield_callback=self.formfield_for_dbfield)


class JournalistProfileViewSet(ProfileViewSet):
    model = JournalistProfile
    icon = "user"
    menu_label = _("Journalists")
    form_fields = ["contact", "outlet", "role", "media_type", "beats", "regions", "languages"]
    add_view_class = JournalistCreateView
    edit_view_class = JournalistEditView
    list_display = ["contact", "outlet", "role", Column("media_type", label=_("Media type"), accessor="get_media_type_display")]
    list_filter = ["media_type", "outlet"]


class ProtagonistProfileViewSet(ProfileViewSet):
    """Kind describes the organisation, never the person: special-category data (Art. 9 GDPR) has no field."""

    model = ProtagonistProfile
    icon = "user"
    menu_label = _("Protagonists")
    form_fields = ["contact", "organisation", "function", "kind", "regions", "initiatives"]
    add_view_class = ProtagonistCreateView
    edit_view_class = ProtagonistEditView
    list_display = ["contact", "organisation", "function"]


class FollowUpCreateView(ForContactCreateMixin, generic.CreateView):
    def get_initial(self):
        return {**super().get_initial(), "owner": self.request.user.pk}

    def save_instance(self):
        return follow_up_create(**_fields(self.form, ("contact", "title", "due_on", "owner")))


class FollowUpEditView(ForContactCreateMixin, generic.EditView):
    def save_instance(self):
        return follow_up_update(follow_up=FollowUp.objects.get(pk=self.object.pk),
                                **_fields(self.form, ("title", "due_on", "owner")))


class FollowUpCloseView(PermissionCheckedMixin, View):
    permission_required = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        follow_up = get_object_or_404(FollowUp, pk=pk)
        follow_up_close(follow_up=follow_up, actor=request.user)
        messages.success(request, _("Follow-up '%(title)s' done.") % {"title": follow_up.title})
        return redirect(contact_inspect_url(follow_up.contact))


class FollowUpViewSet(ProfileViewSet):
    model = FollowUp
    icon = "tasks"
    menu_label = _("Follow-ups")
    form_fields = ["contact", "title", "due_on", "owner"]
    add_view_class = FollowUpCreateView
    edit_view_class = FollowUpEditView
    list_display = ["title", "contact", DateColumn("due_on", label=_("Due")), "owner",
                    Column("status", label=_("Status"), accessor="get_status_display")]
    list_filter = ["status", "owner"]
    search_fields = ["title", "contact__email", "contact__last_name"]
    ordering = ["status", "due_on"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("close/<int:pk>/", FollowUpCloseView.as_view(permission_policy=self.permission_policy), name="close"),
        ]
