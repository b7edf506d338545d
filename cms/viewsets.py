"""Admin screens of the cms app: content snippets and publish webhooks."""

import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import PartnerOrganisation, Topic, WebhookDelivery, WebhookEndpoint


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    list_display = ["name", "slug"]
    search_fields = ["name"]
    ordering = ["name"]


class PartnerOrganisationFilterSet(WagtailFilterSet):
    class Meta:
        model = PartnerOrganisation
        fields = ["kind"]


class PartnerOrganisationViewSet(SnippetViewSet):
    model = PartnerOrganisation
    icon = "group"
    menu_label = _("Partner organisations")
    list_display = ["name", "kind", "website"]
    search_fields = ["name"]
    filterset_class = PartnerOrganisationFilterSet
    ordering = ["name"]


class SuperuserPermissionPolicy(BasePermissionPolicy):
    """Only active superusers, and only for the given actions; group permissions are not consulted.

    Endpoints carry signing secrets and the delivery log shows what was sent
    where, so neither is for editors, whatever model permissions a group holds.
    """

    def __init__(self, model, *, actions: frozenset[str] | None = None):
        super().__init__(model)
        self.actions = actions

    def _allows(self, action: str) -> bool:
        return self.actions is None or action in self.actions

    def user_has_permission(self, user, action):
        return bool(user.is_active and user.is_superuser and self._allows(action))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not any(self._allows(action) for action in actions):
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhook endpoints")
    add_to_admin_menu = False
    form_fields = ["name", "url", "on_publish", "on_unpublish", "is_active", "secret"]
    list_display = ["name", "url", "is_active"]
    inspect_view_enabled = True

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "url":
            from cms.services.webhook_targets import webhook_url_validate

            # On the form, not the model: a validator on the model field would be frozen into migrations.
            kwargs["validators"] = [webhook_url_validate]
        return super().formfield_for_dbfield(db_field, **kwargs)

    @property
    def permission_policy(self):
        return SuperuserPermissionPolicy(self.model)


class WebhookDeliveryFilterSet(WagtailFilterSet):
    class Meta:
        model = WebhookDelivery
        fields = ["status", "event", "endpoint"]


class WebhookDeliveryInspectView(InspectView):
    template_name = "cms/webhooks/delivery_inspect.html"
    retry_url_name = None

    def get_payload_display_value(self):
        return format_html("<pre>{}</pre>", json.dumps(self.object.payload, indent=2, ensure_ascii=False))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.status == WebhookDelivery.Status.FAILED and self.user_has_permission("retry"):
            context["retry_url"] = reverse(self.retry_url_name, args=(self.object.pk,))
        return context


class WebhookDeliveryRetryView(PermissionCheckedMixin, View):
    """POST only (and so behind Django's CSRF check): give a failed delivery a fresh set of attempts."""

    permission_required = "retry"
    http_method_names = ["post"]
    inspect_url_name = None

    def post(self, request, pk):
        from cms.services.webhooks import WebhookDeliveryNotRetryable, webhook_delivery_retry_now

        delivery = get_object_or_404(WebhookDelivery, pk=pk)
        try:
            webhook_delivery_retry_now(delivery=delivery)
        except WebhookDeliveryNotRetryable:
            messages.error(request, _("Only a failed delivery can be retried; this one is %(status)s.")
                           % {"status": delivery.get_status_display().lower()})
        else:
            messages.success(request, _("The delivery was queued again."))
        return redirect(self.inspect_url_name, pk)


class WebhookDeliveryViewSet(ModelViewSet):
    """The delivery log: read-only, except that a failed delivery can be retried."""

    model = WebhookDelivery
    icon = "list-ul"
    menu_label = _("Webhook deliveries")
    add_to_admin_menu = False
    form_fields = ["status"]  # never shown: the policy allows no add or change
    list_display = [
        "event",  # the title column: Wagtail links it to the inspect view, as editing is not allowed
        Column("endpoint", label=_("Endpoint")),
        StatusTagColumn("status", label=_("Status"), accessor="get_status_display",
                        primary=lambda d: d.status == WebhookDelivery.Status.DELIVERED),
        Column("attempts", label=_("Attempts")),
        Column("last_status_code", label=_("Last HTTP status")),
        Column("last_error", label=_("Last error"), accessor=lambda d: Truncator(d.last_error).chars(120)),
        DateColumn("created_at", label=_("Created")),
    ]
    filterset_class = WebhookDeliveryFilterSet
    inspect_view_enabled = True
    inspect_view_class = WebhookDeliveryInspectView
    inspect_view_fields = ["endpoint", "event", "status", "attempts", "last_status_code", "last_error",
                           "created_at", "last_attempt_at", "delivered_at", "payload"]
    copy_view_enabled = False
    list_per_page = 50

    @property
    def permission_policy(self):
        return SuperuserPermissionPolicy(self.model, actions=frozenset({"view", "retry"}))

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(retry_url_name=self.get_url_name("retry"), **kwargs)

    @cached_property
    def retry_view(self):
        return WebhookDeliveryRetryView.as_view(
            permission_policy=self.permission_policy, inspect_url_name=self.get_url_name("inspect")
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("retry/<int:pk>/", self.retry_view, name="retry")]


class ContentDataViewSetGroup(ViewSetGroup):
    menu_label = _("Content data")
    menu_icon = "folder-inverse"
    items = (TopicViewSet, PartnerOrganisationViewSet)
