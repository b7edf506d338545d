"""Admin screens for coverage clippings: record, list, filter, and the overview per release, outlet and region."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from press.models import Clipping, PressReleasePage
from press.selectors import coverage_by_outlet, coverage_by_region, coverage_by_release
from press.services.coverage import clipping_record, clipping_url_validate


class ClippingForm(WagtailAdminModelForm):
    def clean_url(self):
        url = self.cleaned_data["url"]
        clipping_url_validate(url)
        return url


class ClippingFilterSet(WagtailFilterSet):
    release = django_filters.ModelChoiceFilter(label=_("Press release"), queryset=PressReleasePage.objects.all())
    tone = django_filters.ChoiceFilter(label=_("Tone"), choices=Clipping.Tone.choices)

    class Meta:
        model = Clipping
        fields = ["release", "tone"]


class _Saving:
    log_action = "wagtail.edit"

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)

    def save_instance(self):
        clipping = clipping_record(clipping=self.form.save(commit=False), actor=self.request.user)
        log(instance=clipping, action=self.log_action, content_changed=True)
        return clipping


class ClippingIndexView(generic.IndexView):
    @cached_property
    def header_buttons(self):
        return super().header_buttons + [
            HeaderButton(_("Overview"), url=reverse("press_clippings:overview"), icon_name="table")]


class ClippingCreateView(_Saving, generic.CreateView):
    log_action = "wagtail.create"

    def get_initial(self):
        # "Record a clipping" from a release's response view comes with the release chosen.
        initial = super().get_initial()
        release = self.request.GET.get("release", "")
        if release.isdigit():
            initial["release"] = int(release)
        return initial


class ClippingEditView(_Saving, generic.EditView):
    pass


class CoverageOverviewView(generic.IndexView):
    """Per release, per outlet, per region: counts and reach, no names."""

    template_name = "press/coverage/overview.html"
    page_title = _("Coverage overview")
    paginate_by = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(by_release=coverage_by_release(), by_outlet=coverage_by_outlet(),
                       by_region=coverage_by_region())
        return context


class ClippingViewSet(ModelViewSet):
    model = Clipping
    name = "press_clippings"
    icon = "clipboard-list"
    menu_label = _("Coverage")
    add_to_admin_menu = False
    form_fields = ["release", "url", "headline", "outlet", "published_on", "reach", "tone", "journalist"]
    index_view_class = ClippingIndexView
    add_view_class = ClippingCreateView
    edit_view_class = ClippingEditView
    filterset_class = ClippingFilterSet
    search_fields = ["headline", "outlet", "url"]
    ordering = ["-published_on", "-created_at"]
    list_display = [
        "headline", "outlet", DateColumn("published_on", label=_("Date")),
        Column("tone", label=_("Tone"), accessor="get_tone_display"),
        "reach", Column("release", label=_("Press release")),
        Column("journalist", label=_("Journalist")),
        Column("fetch_status", label=_("Reading the page"), accessor="get_fetch_status_display"),
    ]
    list_export = ["url", "headline", "outlet", "published_on", "reach", "tone", "release", "journalist"]

    def get_form_class(self, for_update=False):
        from django.forms import modelform_factory

        return modelform_factory(Clipping, form=ClippingForm, fields=self.form_fields,
                                 formfield_callback=self.formfield_for_dbfield,
                                 widgets={"published_on": forms.DateInput(attrs={"type": "date"})})

    def get_urlpatterns(self):
        from django.urls import path

        return super().get_urlpatterns() + [
            path("overview/", CoverageOverviewView.as_view(model=Clipping, permission_policy=self.permission_policy,
                                                           index_url_name=self.get_url_name("index")),
                 name="overview"),
        ]
