from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from outreach.models import ContactImport


class ContactImportViewSet(ModelViewSet):
    """Contact imports: upload, preview with column mapping, run in the background with progress."""

    model = ContactImport
    icon = "upload"
    menu_label = _("Imports")
    add_to_admin_menu = False
    list_display = ["original_filename", "status", "total_rows", "created_count", "updated_count",
                    "unchanged_count", "rejected_count", "created_at"]
    form_fields = ["file"]
    inspect_view_enabled = True
