from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.api.router import api_router
from cms.feeds import upcoming_events_ical

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("feeds/events.ics", upcoming_events_ical, name="events-ical"),
    path("o/", include("outreach.urls")),
]

if settings.MEDIA_BACKEND == "local":
    # The embedded default has no separate web server for uploads; with S3 the
    # bucket (or its CDN) serves them instead.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [path("", include(wagtail_urls))]

# Plain-text (JSON under /api/) error bodies that echo nothing: cms/errors.py.
handler400 = "cms.errors.bad_request"
handler403 = "cms.errors.permission_denied"
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"
