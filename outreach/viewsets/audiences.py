"""Static lists and segments in the admin."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import View
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from outreach.models import ContactList, Segment
from outreach.selectors import contact_lists_with_size, segment_preview
from outreach.services.audiences import segment_count, segment_save
from outreach.services.lists import contact_list_save
from outreach.viewsets.contacts import ServiceErrorsMixin
from outreach.viewsets.segment_forms import SegmentForm, allowed_values_help, field_choices, rules_from_data


class ContactListIndexView(generic.IndexView):
    def get_base_queryset(self):
        return contact_lists_with_size()


class ContactListCreateView(ServiceErrorsMixin, generic.CreateView):
    def save_instance(self):
        contact_list = contact_list_save(name=self.form.cleaned_data["name"],
                                         description=self.form.cleaned_data["description"])
        log(instance=contact_list, action="wagtail.create", content_changed=True)
        return contact_list


class ContactListEditView(ServiceErrorsMixin, generic.EditView):
    def save_instance(self):
        contact_list = contact_list_save(name=self.form.cleaned_data["name"],
                                         description=self.form.cleaned_data["description"],
                                         contact_list=ContactList.objects.get(pk=self.object.pk))
        log(instance=contact_list, action="wagtail.edit", content_changed=self.form.has_changed())
        return contact_list


def members_url(contact_list) -> str:
    from outreach.wagtail_hooks import contact_viewset

    return f"{reverse(contact_viewset.get_url_name('index'))}?{urlencode({'list': contact_list.pk})}"


class ContactListViewSet(ModelViewSet):
    model = ContactList
    icon = "list-ul"
    menu_label = _("Lists")
    add_to_admin_menu = False
    form_fields = ["name", "description"]
    index_view_class = ContactListIndexView
    add_view_class = ContactListCreateView
    edit_view_class = ContactListEditView
    list_display = [
        "name",
        Column("size", label=_("Contacts"), accessor="size"),
        TitleColumn("members", label=_("Members"), accessor=lambda cl: _("Show members"), get_url=members_url),
        "description",
    ]
    search_fields = ["name", "description"]
    ordering = ["name"]


class SegmentFormViewMixin(ServiceErrorsMixin):
    """Create and edit share the rule builder, the 'check size' button and the preview."""

    template_name = "outreach/segment/edit.html"
    preview = None

    def get_form_class(self):
        return SegmentForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("for_user", None)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.preview is None and getattr(self, "object", None) and self.object.pk and self.object.rules:
            try:
                self.preview = segment_preview(rules=self.object.rules)
            except ValidationError:
                self.preview = None
        context.update(preview=self.preview, allowed_values=allowed_values_help(), field_choices=field_choices(),
                       # The viewset's own "count" URL, a sibling of its index.
                       count_url=reverse(f"{self.index_url_name.rsplit(':', 1)[0]}:count"))
        return context

    def form_valid(self, form):
        if "check_size" in self.request.POST:
            # "Check size" evaluates the rules as they are on screen, without saving.
            self.preview = segment_preview(rules=form.rules())
            return self.render_to_response(self.get_context_data(form=form))
        return super().form_valid(form)

    def save_instance(self):
        existing = Segment.objects.get(pk=self.object.pk) if getattr(self, "object", None) and self.object.pk else None
        segment = segment_save(name=self.form.cleaned_data["name"], description=self.form.cleaned_data["description"],
                               rules=self.form.rules(), segment=existing)
        log(instance=segment, action="wagtail.edit" if existing else "wagtail.create", content_changed=True)
        return segment


class SegmentCountView(PermissionCheckedMixin, View):
    """The editor's live count: the rules on screen, evaluated without saving. JSON, never a 500 for bad rows."""

    any_permission_required = ["add", "change"]
    http_method_names = ["post"]

    def post(self, request):
        try:
            preview = segment_preview(rules=rules_from_data(request.POST), limit=0)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(str(message) for message in error.messages)}, status=400)
        text = ngettext("Currently %(count)s contact", "Currently %(count)s contacts", preview.size) % {
            "count": number_format(preview.size, force_grouping=True)}
        return JsonResponse({"size": preview.size, "text": text})


class SegmentCreateView(SegmentFormViewMixin, generic.CreateView):
    pass


class SegmentEditView(SegmentFormViewMixin, generic.EditView):
    pass


class SegmentSizeColumn(Column):
    """Each segment's current size, one COUNT per row (segments are few; the listing is paginated)."""

    def get_value(self, instance):
        try:
            return segment_count(segment=instance)
        except ValidationError:
            return _("rules cannot be evaluated")


class SegmentViewSet(ModelViewSet):
    model = Segment
    icon = "crosshairs"
    menu_label = _("Segments")
    add_to_admin_menu = False
    form_fields = ["name", "description"]
    add_view_class = SegmentCreateView
    edit_view_class = SegmentEditView
    list_display = ["name", SegmentSizeColumn("size", label=_("Current size")), "description", "updated_at"]
    search_fields = ["name", "description"]
    ordering = ["name"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("count/", SegmentCountView.as_view(permission_policy=self.permission_policy), name="count"),
        ]
