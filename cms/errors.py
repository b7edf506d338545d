"""Django's error handlers (handler400/403/404/500 in cms/urls.py): text, never HTML.

The front end is a separate site, so nobody needs an HTML error page from this
origin, and a body that is not HTML cannot run script whatever it echoes. They
echo nothing anyway: the message is fixed per status. Under /api/ the answer is
JSON in the shape Wagtail's API uses for its own errors ({"message": ...}).
"""

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from cms.security import csp_none


def _error(request, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": message}, status=status)
    else:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    # SecurityMiddleware adds it too, but a 500 may be answered before any middleware ran.
    response["X-Content-Type-Options"] = "nosniff"
    return csp_none(response)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Forbidden."))


def page_not_found(request, exception=None):
    return _error(request, 404, _("Not found."))


@requires_csrf_token
def server_error(request):
    return _error(request, 500, _("Server error."))
