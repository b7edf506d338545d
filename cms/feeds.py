"""iCalendar feed of upcoming events, for calendar apps and the front end."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event
from wagtail.models import Locale

from cms.models import EventPage
from cms.services.translations import pages_translated_only

DEFAULT_DURATION = datetime.timedelta(hours=2)


def upcoming_events(*, locale: Locale, now: datetime.datetime):
    """Published, public events of a locale that have not ended yet (running ones included)."""
    return (
        pages_translated_only(EventPage.objects.live().public().filter(locale=locale))
        .filter(Q(end_at__gte=now) | Q(end_at__isnull=True, start_at__gte=now))
        .order_by("start_at")
    )


@csrf_exempt  # read-only: any other method is a 405, not a CSRF 403
@require_GET
def upcoming_events_ical(request):
    code = request.GET.get("locale", settings.LANGUAGE_CODE)
    # Only configured languages reach the database (PostgreSQL refuses e.g. NUL in a query).
    locale = Locale.objects.filter(language_code=code).first() if code in dict(settings.LANGUAGES) else None
    if locale is None:
        # Plain text: the message echoes the parameter, which must never reach a browser as HTML.
        return HttpResponseBadRequest(_("Unknown locale '%(code)s'.") % {"code": code},
                                      content_type="text/plain; charset=utf-8")
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Dialogdesk//Events//" + code.upper())
    calendar.add("version", "2.0")
    # The calendar is in the feed's language, not in the language the request negotiated.
    with translation.override(code):
        calendar.add("x-wr-calname", _("Events") + f" – {settings.WAGTAIL_SITE_NAME}")
    for page in upcoming_events(locale=locale, now=now):
        calendar.add_component(_event(page, code=code, now=now))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="events-{code}.ics"'
    response["Cache-Control"] = "public, max-age=300"
    return response


def _event(page: EventPage, *, code: str, now: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"{page.translation_key}-{code}@dialogdesk")
    event.add("summary", page.title)
    event.add("dtstart", page.start_at)
    event.add("dtend", page.end_at or page.start_at + DEFAULT_DURATION)
    # RFC 5545 requires DTSTAMP in UTC.
    event.add("dtstamp", (page.last_published_at or now).astimezone(datetime.timezone.utc))
    location = ", ".join(part for part in (page.place, page.address.replace("\n", ", ")) if part)
    if location:
        event.add("location", location)
    if page.summary:
        event.add("description", page.summary)
    url = page.registration_url or page.full_url
    if url:
        event.add("url", url)
    return event
