"""Which pages a request may see: live, and outside every view restriction it does not pass.

The same rule as the base queryset of Wagtail's pages endpoint, applied to
pages reached through a relation or named in a filter, so that neither shows
or confirms a draft or private page.
"""

from wagtail.models import PageViewRestriction


def hidden_page_paths(request) -> tuple[str, ...]:
    """Tree paths of restricted pages this request may not open; their subtrees are hidden too.

    Read once per request: a listing checks many linked pages against it.
    """
    cached = getattr(request, "_dialogdesk_hidden_paths", None) if request is not None else None
    if cached is None:
        restrictions = PageViewRestriction.objects.select_related("page")
        cached = tuple(
            restriction.page.path for restriction in restrictions
            if request is None or not restriction.accept_request(request)
        )
        if request is not None:
            request._dialogdesk_hidden_paths = cached
    return cached


def page_visible(page, *, request) -> bool:
    return page.live and not page.path.startswith(hidden_page_paths(request))


def pages_visible(queryset, *, request):
    queryset = queryset.live()
    for path in hidden_page_paths(request):
        queryset = queryset.exclude(path__startswith=path)
    return queryset


# Page types whose own rule adds to "live and not restricted" (a newsletter issue is public only once sent).
# Registered by the app that owns the type (cms imports no other app); every pages endpoint applies them.
_pages_filters: list = []


def register_api_pages_filter(function) -> None:
    """function(queryset of pages) -> the queryset without what the public may not see yet."""
    if function not in _pages_filters:
        _pages_filters.append(function)


def pages_filtered(queryset):
    for function in _pages_filters:
        queryset = function(queryset)
    return queryset
