"""RSS 2.0 and Atom feeds of published press releases, one per language (Django's syndication framework).

The locale is a query parameter (`?locale=de`), checked before anything
reaches the database: an unknown one is a plain-text 400, never HTML, because
the message echoes it. Releases under embargo are not live and so never
listed; a live release whose embargo was moved ahead again is left out too.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from cms.services.translations import pages_translated_only
from press.models import NewsroomPage, PressReleasePage

FEED_LENGTH = 50


def releases_for_feed(*, locale: Locale):
    """The newest public releases of a locale, embargo passed."""
    return (
        pages_translated_only(PressReleasePage.objects.live().public().filter(locale=locale))
        .exclude(embargo_until__gt=timezone.now())
        .order_by("-release_date", "-first_published_at")[:FEED_LENGTH]
    )


class ReleaseRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        return request.feed_locale

    # The view activates the feed's language: Feed reads the <language> from get_language().
    def title(self, locale):
        return _("Press releases") + f" – {settings.WAGTAIL_SITE_NAME}"

    def link(self, locale):
        newsroom = NewsroomPage.objects.live().filter(locale=locale).first()
        return (newsroom.full_url if newsroom and newsroom.full_url else None) or "/"

    def description(self, locale):
        return _("Press releases of %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}

    def feed_url(self, locale):
        return None

    def items(self, locale):
        return releases_for_feed(locale=locale)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.subtitle or item.summary

    def item_link(self, item):
        return item.full_url or item.url or f"/api/v2/pages/{item.pk}/"

    def item_guid(self, item):
        # Stable across slug changes and the same for every reader.
        return f"urn:dialogdesk:press-release:{item.translation_key}:{item.locale.language_code}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at or item.last_published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.first_published_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class ReleaseAtomFeed(ReleaseRssFeed):
    feed_type = Atom1Feed
    subtitle = ReleaseRssFeed.description


def _with_locale(feed: Feed):
    @csrf_exempt  # read-only: any other method is a 405, not a CSRF 403
    @require_GET
    def view(request):
        code = request.GET.get("locale", settings.LANGUAGE_CODE)
        # Only configured languages reach the database (PostgreSQL refuses e.g. NUL in a query).
        locale = Locale.objects.filter(language_code=code).first() if code in dict(settings.LANGUAGES) else None
        if locale is None:
            # Plain text: the message echoes the parameter, which must never reach a browser as HTML.
            return HttpResponseBadRequest(_("Unknown locale '%(code)s'.") % {"code": code},
                                          content_type="text/plain; charset=utf-8")
        request.feed_locale = locale
        with translation.override(code):
            response = feed(request)
        response["Cache-Control"] = "public, max-age=300"
        return response

    return view


press_releases_rss = _with_locale(ReleaseRssFeed())
press_releases_atom = _with_locale(ReleaseAtomFeed())
