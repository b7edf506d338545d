"""The one page this host serves itself: what it is, and where to go."""

from django.conf import settings
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe


@require_safe
def site_root(request):
    """`/`: this host is Dialogdesk's API and admin; the public site is the front end (if configured)."""
    context = {
        "admin_url": reverse("wagtailadmin_home"),
        "api_url": reverse("wagtailapi:pages:listing"),
        "schema_url": reverse("api-schema"),
        "frontend_url": settings.FRONTEND_URL.replace("{language}", "de") if settings.FRONTEND_URL else "",
    }
    return TemplateResponse(request, "cms/site_root.html", context)
