"""Login throttling for the admin (django-axes): the lockout is shown on Wagtail's own login form.

Axes counts failures in the cache (locmem, the file cache, Redis: whatever CACHES
names) and locks a username from an address after AXES_FAILURE_LIMIT failures for
AXES_COOLOFF_TIME. Its own lockout page is a bare English 429; instead the form
says why, in the admin's language, and the response keeps the 429 status.
"""

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext, ngettext
from wagtail.admin.forms.auth import LoginForm

from cms.client_address import client_address


def client_ip_address(request) -> str:
    """AXES_CLIENT_IP_CALLABLE."""
    return client_address(request)


def lockout_message(request=None) -> str:
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0
    if not minutes:
        return gettext("Too many failed login attempts. Ask an administrator to unlock your account.")
    return ngettext(
        "Too many failed login attempts. Please try again in %(minutes)d minute.",
        "Too many failed login attempts. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledLoginForm(LoginForm):
    """Wagtail's login form; when axes has locked this login out, its error says so."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's field has no label, so Django derives an untranslated "Password" from its name.
        self.fields["password"].label = gettext("Password")

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # authenticate() sets the flag: on the failure that reaches the limit, and on every
            # attempt while locked (then the password is not even checked).
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(self.request), code="locked_out") from None
            raise


def lockout_response(request, original_response, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page the view rendered (with the message), as a 429."""
    if original_response is None or getattr(original_response, "status_code", 0) != 200:
        return HttpResponse(lockout_message(request), status=429, content_type="text/plain; charset=utf-8")
    original_response.status_code = 429
    return original_response
