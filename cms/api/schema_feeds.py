"""OpenAPI for the feeds: plain Django views (cms.feeds, press.feeds), which drf-spectacular cannot see, described by hand."""

ICAL_LOCALE = {
    "name": "locale", "in": "query", "required": False,
    "description": "Language of the feed (default de). An unknown code is a 400.",
    "schema": {"type": "string", "enum": ["de", "en"]},
}
PLAIN_TEXT = {"text/plain": {"schema": {"type": "string"}}}


def _press_feed(kind: str, media_type: str) -> dict:
    return {
        "get": {
            "operationId": f"press_releases_{kind}",
            "summary": f"{'RSS 2.0' if kind == 'rss' else 'Atom'} feed of published press releases in one language",
            "description": "Newest first; releases under embargo are never listed.",
            "tags": ["feeds"],
            "parameters": [ICAL_LOCALE],
            "responses": {
                "200": {"description": "The feed.", "content": {media_type: {"schema": {"type": "string"}}}},
                "400": {"description": "Unknown locale.", "content": PLAIN_TEXT},
            },
        },
    }


NON_DRF_PATHS = {
    # A plain Django view (cms.feeds), so drf-spectacular cannot see it; described by hand.
    "/feeds/events.ics": {
        "get": {
            "operationId": "events_ical",
            "summary": "iCalendar feed of upcoming published events",
            "tags": ["feeds"],
            "parameters": [ICAL_LOCALE],
            "responses": {
                "200": {"description": "RFC 5545 calendar.", "content": {"text/calendar": {"schema": {"type": "string"}}}},
                "400": {"description": "Unknown locale.", "content": PLAIN_TEXT},
            },
        },
    },
    # press.feeds, Django's syndication framework: also plain views.
    "/feeds/press.rss": _press_feed("rss", "application/rss+xml"),
    "/feeds/press.atom": _press_feed("atom", "application/atom+xml"),
}
