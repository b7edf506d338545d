from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.choosers import choose_page_in_page_language, pages_in_requested_language
from cms.viewsets import ContentDataViewSetGroup, WebhookDeliveryViewSet, WebhookEndpointViewSet

webhook_endpoint_viewset = WebhookEndpointViewSet("webhook_endpoints")
webhook_delivery_viewset = WebhookDeliveryViewSet("webhook_deliveries")


@hooks.register("register_admin_viewset")
def register_content_data():
    return ContentDataViewSetGroup()


@hooks.register("register_admin_viewset")
def register_webhook_viewsets():
    return [webhook_endpoint_viewset, webhook_delivery_viewset]


class AdminOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_webhooks_menu_item():
    return AdminOnlyMenuItem(
        _("Webhooks"), reverse(webhook_endpoint_viewset.get_url_name("index")), icon_name="link-external", order=900
    )


@hooks.register("register_settings_menu_item")
def register_webhook_deliveries_menu_item():
    return AdminOnlyMenuItem(
        _("Webhook deliveries"), reverse(webhook_delivery_viewset.get_url_name("index")), icon_name="list-ul",
        order=901,
    )


@hooks.register("after_create_page")
def grant_initiative_partners(request, page):
    from cms.models import InitiativePage
    from cms.services.roles import initiative_partner_group_ensure

    if isinstance(page.specific, InitiativePage):
        initiative_partner_group_ensure(initiative=page.specific)


@hooks.register("construct_explorer_page_queryset")
def keep_partners_in_their_section(parent_page, pages, request):
    """Initiative partners' explorer is rooted at the tree root (they hold pages
    under two home pages); without this they could open any section's listing."""
    from django.core.exceptions import PermissionDenied

    from cms.services.roles import page_explorable_by

    if not page_explorable_by(user=request.user, page=parent_page):
        raise PermissionDenied
    return pages


@hooks.register("insert_editor_js")
def german_translation_editor_js():
    # wagtail-localize's editor includes this hook's output; its React bundle has two English labels.
    return format_html('<script src="{}"></script>', static("cms/js/localize-german.js"))


@hooks.register("insert_global_admin_js")
def date_picker_labels_js():
    # The picker's apply button is a literal in Wagtail's vendored plugin, outside every catalogue.
    return format_html(
        '<script src="{}" data-save-selected="{}"></script>',
        static("cms/js/datetimepicker-labels.js"), _("Save selected date"),
    )


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("cms/css/admin.css"))


@hooks.register("register_admin_urls")
def register_page_language_chooser_urls():
    return [
        path("cms/choose-page-in-page-language/", choose_page_in_page_language,
             name="cms_choose_page_in_page_language"),
        path("cms/choose-page-in-page-language/<int:parent_page_id>/", choose_page_in_page_language,
             name="cms_choose_page_in_page_language_child"),
    ]


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser_to_requested_language(pages, request):
    return pages_in_requested_language(pages, request)
