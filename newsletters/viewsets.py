"""Newsletters in the admin (German first): newsletters, subscriptions with their proof, consent texts.

Only users holding the newsletters model permissions get in (the press office,
see services/roles.py). Subscriptions and their proof are read-only here: they
change only through the subscriber's own actions, so the log stays evidence.
"""

import json

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from newsletters.models import ConsentText, Newsletter, Subscription
from newsletters.reconfirmation_views import NewsletterReconfirmView, ReconfirmEditView, ReconfirmIndexView
from newsletters.services.consent import consent_text_create
from newsletters.services.preferences import subscription_proof


class NewsletterPermissionPolicy(ModelPermissionPolicy):
    def __init__(self, model, *, denied_actions=()):
        super().__init__(model)
        self.denied_actions = tuple(denied_actions)

    def user_has_permission(self, user, action):
        return action not in self.denied_actions and super().user_has_permission(user, action)


class NewsletterForm(WagtailAdminModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages it is sent in"), widget=forms.CheckboxSelectMultiple,
        choices=[("de", _("German")), ("en", _("English"))],
        help_text=_("Subscribers whose language is not ticked get German, or the only language ticked."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("topics", "regions"):
            if name in self.fields:
                self.fields[name].widget = forms.CheckboxSelectMultiple(choices=self.fields[name].choices)

    def clean_languages(self):
        chosen = self.cleaned_data["languages"]
        return [code for code in ("de", "en") if code in chosen]


NEWSLETTER_PANELS = [
    MultiFieldPanel([
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("name_de"), FieldPanel("name_en")]),
        FieldRowPanel([FieldPanel("description_de"), FieldPanel("description_en")]),
        FieldRowPanel([FieldPanel("frequency_de"), FieldPanel("frequency_en")]),
        FieldPanel("is_public"),
    ], heading=_("Newsletter")),
    MultiFieldPanel([FieldPanel("languages"), FieldPanel("sender")], heading=_("Sending")),
    MultiFieldPanel([FieldPanel("topics"), FieldPanel("regions")], heading=_("What subscribers may pick")),
    MultiFieldPanel([
        FieldRowPanel([FieldPanel("confirmation_text_de"), FieldPanel("confirmation_text_en")]),
        FieldRowPanel([FieldPanel("welcome_subject_de"), FieldPanel("welcome_subject_en")]),
        FieldRowPanel([FieldPanel("welcome_text_de"), FieldPanel("welcome_text_en")]),
    ], heading=_("Confirmation and welcome mail")),
]


class NewsletterIndexView(ReconfirmIndexView):
    table_classname = "dialogdesk-scroll-table"  # scrolls sideways on a phone (outreach/static/outreach/css/admin.css)
    report_url_name = None
    add_by_staff_url_name = None

    @cached_property
    def columns(self):
        # The name as the title column: Wagtail puts each row's buttons (edit, report) there.
        title = self._get_title_column_class(TitleColumn)(
            "name_de", label=_("Name"), sort_key="name_de",
            get_url=lambda newsletter: self.get_edit_url(newsletter) or reverse(self.report_url_name,
                                                                                  args=[newsletter.pk]))
        # The report also as a column of its own: in the row's menu only, nobody would find it.
        report = TitleColumn("report", label=_("Report"), accessor=lambda newsletter: _("Growth and issues"),
                             get_url=lambda newsletter: reverse(self.report_url_name, args=[newsletter.pk]))
        return [title, *super().columns[1:], report]

    def get_list_more_buttons(self, instance):
        from newsletters.staff_views import ADD_PERMISSION

        buttons = super().get_list_more_buttons(instance) + [
            MenuItem(_("Report"), url=reverse(self.report_url_name, args=[instance.pk]), icon_name="list-ul",
                     priority=5)]
        if self.request.user.has_perm(ADD_PERMISSION):
            buttons.append(MenuItem(_("Add a subscriber"), icon_name="plus", priority=6,
                                    url=f"{reverse(self.add_by_staff_url_name)}?newsletter={instance.pk}"))
        return buttons


class NewsletterEditView(ReconfirmEditView):
    report_url_name = None

    @cached_property
    def header_more_buttons(self):
        return super().header_more_buttons + [
            Button(_("Report"), url=reverse(self.report_url_name, args=[self.object.pk]), icon_name="list-ul",
                   priority=5)]


class NewsletterViewSet(ModelViewSet):
    model = Newsletter
    index_view_class = NewsletterIndexView
    edit_view_class = NewsletterEditView
    icon = "mail"
    menu_label = _("Newsletters")
    add_to_admin_menu = False
    edit_handler = ObjectList(NEWSLETTER_PANELS, base_form_class=NewsletterForm)
    list_display = [
        "name_de", "slug",  # a field name first: Wagtail makes it the title column, with the edit link and buttons
        Column("is_public", label=_("Public"), accessor=lambda n: _("yes") if n.is_public else _("no")),
        Column("subscribers", label=_("Confirmed subscribers"),
               accessor=lambda n: n.subscriptions.filter(state=Subscription.State.CONFIRMED).count()),
        Column("reconfirm", label=_("Needs re-confirmation"),
               accessor=lambda n: n.subscriptions.filter(state=Subscription.State.NEEDS_RECONFIRMATION).count()),
    ]
    search_fields = ["name_de", "name_en", "slug"]
    ordering = ["name_de"]

    @cached_property
    def permission_policy(self):
        # A newsletter with subscriptions is PROTECTed in the database; deleting is not offered at all.
        return NewsletterPermissionPolicy(Newsletter, denied_actions=("delete",))

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(report_url_name=self.get_url_name("report"),
                                             add_by_staff_url_name="newsletters_subscriptions:add_by_staff", **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(report_url_name=self.get_url_name("report"), **kwargs)

    def get_urlpatterns(self):
        from newsletters.report_views import NewsletterReportView, NewsletterSubscribersExportView

        report = NewsletterReportView.as_view(permission_policy=self.permission_policy,
                                              index_url_name=self.get_url_name("index"),
                                              export_url_name=self.get_url_name("export"))
        export = NewsletterSubscribersExportView.as_view(permission_policy=self.permission_policy)
        return super().get_urlpatterns() + [
            path("<int:pk>/report/", report, name="report"),
            path("<int:pk>/export/", export, name="export"),
            path("reconfirm/<int:pk>/", self.construct_view(NewsletterReconfirmView), name="reconfirm"),
        ]


class SubscriptionFilterSet(WagtailFilterSet):
    newsletter = ModelChoiceFilter(label=_("Newsletter"), queryset=Newsletter.objects.all())
    state = ChoiceFilter(label=_("State"), choices=Subscription.State.choices)

    class Meta:
        model = Subscription
        fields = ["newsletter", "state"]


class SubscriptionInspectView(generic.InspectView):
    template_name = "newsletters/admin/subscription_inspect.html"

    def get_context_data(self, **kwargs):
        from newsletters.wagtail_hooks import subscription_viewset

        return super().get_context_data(
            subscription=self.object, events=self.object.events.select_related("actor"),
            proof_url=subscription_viewset.get_proof_url(self.object), **kwargs)


class SubscriptionProofView(PermissionCheckedMixin, View):
    """The proof of one subscription as a JSON file, for a data-protection officer or a court."""

    permission_required = "view"

    def get(self, request, pk):
        subscription = get_object_or_404(Subscription.objects.select_related("newsletter"), pk=pk)
        content = json.dumps(subscription_proof(subscription=subscription), cls=DjangoJSONEncoder,
                             ensure_ascii=False, indent=2)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="consent-proof-{subscription.pk}.json"'
        return response


class SubscriptionIndexView(generic.IndexView):
    add_by_staff_url_name = None

    @cached_property
    def header_buttons(self):
        from newsletters.staff_views import ADD_PERMISSION

        buttons = super().header_buttons
        if self.request.user.has_perm(ADD_PERMISSION):
            buttons.append(HeaderButton(_("Add a subscriber"), url=reverse(self.add_by_staff_url_name),
                                        icon_name="plus"))
        return buttons


class SubscriptionViewSet(ModelViewSet):
    model = Subscription
    index_view_class = SubscriptionIndexView
    icon = "list-ul"
    menu_label = _("Subscriptions")
    add_to_admin_menu = False
    form_fields = ["language"]
    inspect_view_enabled = True
    inspect_view_class = SubscriptionInspectView
    list_display = [
        Column("email", label=_("Address"), accessor="email"),
        Column("newsletter", label=_("Newsletter")),
        Column("state", label=_("State"), accessor="get_state_display"),
        Column("language", label=_("Language")),
        DateColumn("signed_up_at", label=_("Signed up")),
        DateColumn("confirmed_at", label=_("Confirmed")),
    ]
    filterset_class = SubscriptionFilterSet
    search_fields = ["email"]
    ordering = ["-signed_up_at"]

    @cached_property
    def permission_policy(self):
        return NewsletterPermissionPolicy(Subscription, denied_actions=("add", "change", "delete"))

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(add_by_staff_url_name=self.get_url_name("add_by_staff"), **kwargs)

    def get_proof_url(self, subscription) -> str:
        from django.urls import reverse

        return reverse(self.get_url_name("proof"), args=[subscription.pk])

    def get_urlpatterns(self):
        from newsletters.proof_views import AddressProofJsonView, AddressProofPrintView
        from newsletters.staff_views import StaffSubscriptionAddView

        return super().get_urlpatterns() + [
            path("add-by-staff/", StaffSubscriptionAddView.as_view(
                index_url_name=self.get_url_name("index"), inspect_url_name=self.get_url_name("inspect")),
                name="add_by_staff"),
            path("proof/<int:pk>/", SubscriptionProofView.as_view(permission_policy=self.permission_policy),
                 name="proof"),
            path("proof/contact/<int:contact_id>/", AddressProofJsonView.as_view(), name="address_proof"),
            path("proof/contact/<int:contact_id>/print/",
                 AddressProofPrintView.as_view(json_url_name=self.get_url_name("address_proof")),
                 name="address_proof_print"),
        ]


class ConsentTextForm(WagtailAdminModelForm):
    class Meta:
        model = ConsentText
        fields = ["kind", "language", "text", "url"]


class ConsentTextCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return consent_text_create(kind=data["kind"], language=data["language"], text=data["text"],
                                   url=data.get("url", ""), actor=self.request.user)


class ConsentTextViewSet(ModelViewSet):
    """Versions are never edited: a new text is added as the next version, the old one stays readable."""

    model = ConsentText
    icon = "doc-full"
    menu_label = _("Consent texts")
    add_to_admin_menu = False
    form_fields = ["kind", "language", "text", "url"]
    add_view_class = ConsentTextCreateView
    inspect_view_enabled = True
    inspect_view_fields = ["kind", "language", "version", "text", "url", "created_at", "created_by"]
    list_display = [
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        Column("language", label=_("Language")),
        Column("version", label=_("Version")),
        DateColumn("created_at", label=_("Created")),
    ]
    list_filter = ["kind", "language"]
    ordering = ["kind", "language", "-version"]

    @cached_property
    def permission_policy(self):
        return NewsletterPermissionPolicy(ConsentText, denied_actions=("change", "delete"))

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(**kwargs)


class NewslettersViewSetGroup(ViewSetGroup):
    menu_label = _("Newsletters")
    menu_icon = "mail"
    menu_order = 260
