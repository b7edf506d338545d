"""The press office's panel on the admin's dashboard (registered in wagtail_hooks.py)."""

from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.admin.ui.components import Component

from outreach.selectors_dashboard import press_dashboard

# Set at login from the user's previous last_login (outreach.signal_handlers), so "new since your
# last visit" survives this visit's own login.
PREVIOUS_VISIT_SESSION_KEY = "outreach_previous_visit"


def previous_visit(request) -> datetime | None:
    value = request.session.get(PREVIOUS_VISIT_SESSION_KEY)
    return parse_datetime(value) if value else None


class PressOfficePanel(Component):
    name = "outreach_press_office"
    order = 50  # above Wagtail's own panels: this is what a press officer comes for
    template_name = "outreach/dashboard/panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        today = timezone.localdate()
        context["dashboard"] = press_dashboard(user=self.request.user, since=previous_visit(self.request), today=today)
        context["today"] = today
        return context


def press_office_panel_add(request, panels) -> None:
    # The same right that opens the contact database: only the press office sees any of this.
    if request.user.has_perm("outreach.view_contact"):
        panels.insert(0, PressOfficePanel(request))
