from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from outreach.viewsets.audiences import ContactListViewSet, SegmentViewSet
from outreach.viewsets.bulk_actions import CONTACT_BULK_ACTIONS
from outreach.viewsets.contacts import ContactViewSet, OrganisationViewSet
from outreach.viewsets.dashboard import press_office_panel_add
from outreach.viewsets.imports import ContactImportViewSet
from outreach.viewsets.mailings import MailingViewSet, SenderIdentityViewSet
from outreach.viewsets.outbox import OutboxViewSet
from outreach.viewsets.privacy import ExportLogViewSet, SuppressionEntryViewSet
from outreach.viewsets.profiles import FollowUpViewSet, JournalistProfileViewSet, ProtagonistProfileViewSet


def _viewset(viewset_class, slug):
    return viewset_class(f"outreach_{slug.replace('-', '_')}", url_prefix=f"outreach/{slug}")


contact_viewset = _viewset(ContactViewSet, "contacts")
organisation_viewset = _viewset(OrganisationViewSet, "organisations")
journalist_viewset = _viewset(JournalistProfileViewSet, "journalists")
protagonist_viewset = _viewset(ProtagonistProfileViewSet, "protagonists")
follow_up_viewset = _viewset(FollowUpViewSet, "follow-ups")
list_viewset = _viewset(ContactListViewSet, "lists")
segment_viewset = _viewset(SegmentViewSet, "segments")
suppression_viewset = _viewset(SuppressionEntryViewSet, "suppression")
export_log_viewset = _viewset(ExportLogViewSet, "export-log")
import_viewset = ContactImportViewSet("contact_imports")
mailing_viewset = _viewset(MailingViewSet, "mailings")
sender_viewset = _viewset(SenderIdentityViewSet, "senders")
outbox_viewset = _viewset(OutboxViewSet, "outbox")


class ContactsViewSetGroup(ViewSetGroup):
    """Who the press office writes to: the people, their organisations, lists and segments, and their rights."""

    menu_label = _("Contacts")
    menu_icon = "group"
    menu_order = 240
    items = (
        contact_viewset, organisation_viewset, journalist_viewset, protagonist_viewset, list_viewset,
        segment_viewset, follow_up_viewset, import_viewset, suppression_viewset, export_log_viewset,
    )


class MailingsViewSetGroup(ViewSetGroup):
    """What goes out: mailings, what the outbox holds, and who sends."""

    menu_label = _("Mailings")
    menu_icon = "mail"
    menu_order = 245
    items = (mailing_viewset, outbox_viewset, sender_viewset)


@hooks.register("register_admin_viewset")
def register_contacts_viewsets():
    return ContactsViewSetGroup()


@hooks.register("register_admin_viewset")
def register_mailings_viewsets():
    return MailingsViewSetGroup()


for bulk_action_class in CONTACT_BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action_class)


hooks.register("construct_homepage_panels", press_office_panel_add)


@hooks.register("insert_global_admin_css")
def outreach_admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("outreach/css/admin.css"))
