"""Admin screens of the cms app: content snippets and publish webhooks."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
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


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhook endpoints")
    add_to_admin_menu = False
    form_fields = ["name", "url", "on_publish", "on_unpublish", "is_active", "secret"]
    list_display = ["name", "url", "is_active"]
    inspect_view_enabled = True


class WebhookDeliveryFilterSet(WagtailFilterSet):
    class Meta:
        model = WebhookDelivery
        fields = ["status", "event", "endpoint"]


class WebhookDeliveryViewSet(ModelViewSet):
    """The delivery log: read-only; what was sent, how often, and why it failed."""

    model = WebhookDelivery
    icon = "list-ul"
    menu_label = _("Webhook deliveries")
    add_to_admin_menu = False
    form_fields = ["status"]
    list_display = [
        Column("event", label=_("Event"), accessor="get_event_display"),
        Column("endpoint", label=_("Endpoint")),
        StatusTagColumn("status", label=_("Status"), accessor="get_status_display", primary=lambda d: d.status == "delivered"),
        Column("attempts", label=_("Attempts")),
        Column("last_status_code", label=_("Last HTTP status")),
        Column("last_error", label=_("Last error")),
        DateColumn("created_at", label=_("Created")),
    ]
    filterset_class = WebhookDeliveryFilterSet
    inspect_view_enabled = True
    inspect_view_fields = ["endpoint", "event", "status", "attempts", "last_status_code", "last_error",
                           "created_at", "last_attempt_at", "delivered_at", "payload"]
    list_per_page = 50


class ContentDataViewSetGroup(ViewSetGroup):
    menu_label = _("Content data")
    menu_icon = "folder-inverse"
    items = (TopicViewSet, PartnerOrganisationViewSet)
