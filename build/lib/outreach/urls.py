"""Public endpoints of outreach (no login): what recipients' mail clients and providers call."""

from django.urls import re_path

from outreach.views import sns, tracking

app_name = "outreach"

# Tokens are lower-case base32, signatures hex: anything else is a 404 before any view runs.
_TOKEN = r"(?P<token>[a-z2-7]{1,32})"
_SIGNATURE = r"(?P<signature>[0-9a-f]{1,64})"

urlpatterns = [
    re_path(rf"^u/{_TOKEN}/{_SIGNATURE}/$", tracking.unsubscribe, name="unsubscribe"),
    re_path(rf"^o/{_TOKEN}/{_SIGNATURE}\.gif$", tracking.open_pixel, name="open"),
    re_path(rf"^c/{_TOKEN}/(?P<index>[0-9]{{1,6}})/{_SIGNATURE}/$", tracking.click, name="click"),
    re_path(r"^sns/$", sns.notifications, name="sns"),
]
