"""iCalendar feed of upcoming events, for calendar apps and the front end."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event
from wagtail.models import Locale

from cms.models import EventPage


@require_GET
def upcoming_events_ical(request):
    code = request.GET.get("locale", settings.LANGUAGE_CODE)
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        return HttpResponseBadRequest(_("Unknown locale '%(code)s'.") % {"code": code})
    now = timezone.now()
    events = (
        EventPage.objects.live().public().filter(locale=locale)
        .filter(start_at__gte=now - timezone.timedelta(days=1))
        .order_by("start_at")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Dialogdesk//Events//" + code.upper())
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Events") + f" – {settings.WAGTAIL_SITE_NAME}")
    for page in events:
        if (page.end_at or page.start_at) < now:
            continue
        event = Event()
        event.add("uid", f"{page.translation_key}-{code}@dialogdesk")
        event.add("summary", page.title)
        event.add("dtstart", page.start_at)
        event.add("dtend", page.end_at or page.start_at + timezone.timedelta(hours=2))
        event.add("dtstamp", page.last_published_at or now)
        location = ", ".join(part for part in (page.place, page.address.replace("\n", ", ")) if part)
        if location:
            event.add("location", location)
        if page.summary:
            event.add("description", page.summary)
        url = page.registration_url or page.full_url
        if url:
            event.add("url", url)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="events-{code}.ics"'
    response["Cache-Control"] = "public, max-age=300"
    return response
