import re

from django.conf import settings
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.api.router import api_router
from cms.api.views import api_not_found
from cms.feeds import upcoming_events_ical
from cms.views import site_root
from media.views import rendition_serve
from press.feeds import press_releases_atom, press_releases_rss
from press.views.kits import press_kit_download

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Press kits stream from the media storage as attachments, like documents (press.views.kits).
    path("press-kits/<int:release_id>/<str:filename>", press_kit_download, name="press-kit"),
    path("api/v2/", api_router.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/newsletters/", include("newsletters.api.urls")),
    # Only paths ending in a slash: without one, APPEND_SLASH still redirects /api/v2/pages to /api/v2/pages/.
    re_path(r"^api/(?:.*/)?$", api_not_found),
    path("feeds/events.ics", upcoming_events_ical, name="events-ical"),
    path("feeds/press.rss", press_releases_rss, name="press-rss"),
    path("feeds/press.atom", press_releases_atom, name="press-atom"),
    path("o/", include("outreach.urls")),
    path("newsletter/", include("newsletters.urls")),
]

if settings.MEDIA_BACKEND == "local" and settings.MEDIA_URL.startswith("/"):
    # Uploads are never served as they are from this origin (an editor's .html would run
    # as the admin): documents go through /documents/ above, images only as renditions,
    # and only those whose collection the request may see. With DEBUG on as well, so
    # that `make run` behaves as production does. S3 or a separate media origin serves
    # renditions itself.
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}images/(?P<path>.+)$", rendition_serve,
                name="media-rendition"),
    ]

urlpatterns += [
    # A headless host: `/` says what it is; pages below it redirect to the front end or render plainly.
    path("", site_root, name="site-root"),
    path("", include(wagtail_urls)),
]

# Plain-text (JSON under /api/) error bodies that echo nothing: cms/errors.py.
handler400 = "cms.errors.bad_request"
handler403 = "cms.errors.permission_denied"
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"
