"""The URLs in a sent mail: open pixel, click redirect, one-click unsubscribe (RFC 8058).

Each view checks the URL's signature first and answers 404 to anything it
cannot verify, so a forged or altered URL learns nothing (not even whether
the token exists). The work is done by outreach.services.tracking.
"""

import base64

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cms.client_address import client_address
from outreach.delivery.headers import unsubscribe_signature_valid
from outreach.mailable import unsubscribe_scope_describe
from outreach.selectors_tracking import message_for_token, message_is_unsubscribed
from outreach.services.tracking import (
    TrackingNotFound,
    message_click_record,
    message_click_url,
    message_open_record,
    message_unsubscribe,
)
from outreach.tracking.tokens import click_signature_valid, open_signature_valid

# A transparent 1x1 GIF (42 bytes).
PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _private(response):
    # Not cached by any proxy or browser (every fetch is an event), and the token in
    # the URL does not travel on as a Referer.
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "HEAD"])
def open_pixel(request, token: str, signature: str):
    if not open_signature_valid(token, signature):
        raise Http404
    if request.method == "HEAD":
        # Link checkers probe with HEAD; only a real fetch is an open.
        if message_for_token(token=token) is None:
            raise Http404
    else:
        try:
            message_open_record(token=token, user_agent=request.META.get("HTTP_USER_AGENT", ""),
                                remote_address=client_address(request))
        except TrackingNotFound:
            raise Http404 from None
    return _private(HttpResponse(PIXEL_GIF, content_type="image/gif"))


@require_http_methods(["GET", "HEAD"])
def click(request, token: str, index: str, signature: str):
    index = int(index)
    if not click_signature_valid(token, index, signature):
        raise Http404
    try:
        if request.method == "HEAD":
            url = message_click_url(token=token, index=index)
        else:
            url = message_click_record(token=token, index=index)
    except TrackingNotFound:
        raise Http404 from None
    # The URL comes from the mailing's own rendered HTML, never from the request.
    return _private(HttpResponseRedirect(url))


# No CSRF token: mail providers send the RFC 8058 one-click POST without one.
# The signature in the URL is what authenticates the request.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str, signature: str):
    """GET shows a confirmation page and changes nothing (scanners follow GETs); POST unsubscribes."""
    if not unsubscribe_signature_valid(token, signature):
        raise Http404
    message = message_for_token(token=token)
    if message is None:
        raise Http404
    language = message.locale.split("-")[0] if message.locale.split("-")[0] in dict(settings.LANGUAGES) else "en"
    scope_name = unsubscribe_scope_describe(message.mailing.unsubscribe_scope, language=language)
    ended = ""
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        # The page's second button; a one-click POST carries only List-Unsubscribe and stays in scope.
        everything = not one_click and request.POST.get("scope") == "all"
        result = message_unsubscribe(token=token, source="one-click" if one_click else "link", everything=everything)
        ended = scope_name if result.scope else ""
        done = True
    else:
        done = message_is_unsubscribed(message=message)
    with translation.override(language):
        response = render(request, "outreach/public/unsubscribe.html", {
            "done": done, "language": language, "scope_name": scope_name, "ended": ended,
        })
    return _private(response)
