"""HTTP caching for the public API: ETag, Cache-Control, 304 and a server-side cache.

Responses are cached under a content generation that is bumped whenever
published content changes (cms.signal_handlers), so nothing stale is served
after a publish, and no cache entry needs to be found and purged one by one.

Only anonymous requests are cached and marked public: what a request with a
session or credentials sees can depend on who sent it (Wagtail's private pages
open to a logged-in user or after a password form), and must never be served
to anyone else.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

GENERATION_KEY = "dialogdesk:api:generation"
CACHED_PREFIX = "/api/v2/"
UNCACHED_PREFIXES = ("/api/v2/page_preview/",)


def content_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def _bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 2, timeout=None)


def content_changed() -> None:
    """Invalidate every cached API response at once; safe to call any number of times.

    Bumped now, so this transaction's own later reads miss the cache, and again
    on commit: a request that ran between the two still read the old rows and
    may have cached them under the first new generation.
    """
    _bump_generation()
    transaction.on_commit(_bump_generation)


def _is_cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.path.startswith(CACHED_PREFIX)
        and not request.path.startswith(UNCACHED_PREFIXES)
    )


def _is_anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META


def _cache_key(request) -> str:
    # The host is part of the key: Site.find_for_request decides what
    # ?child_of=root and the page URLs in a response are.
    url = request.build_absolute_uri()
    return f"dialogdesk:api:{content_generation()}:{hashlib.sha256(url.encode()).hexdigest()}"


def _etag(content: bytes) -> str:
    return '"%s"' % hashlib.blake2b(content, digest_size=16).hexdigest()


class APICacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_cacheable(request):
            return self.get_response(request)
        if not _is_anonymous(request):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_cache=True)
            return response

        key = _cache_key(request)
        cached = cache.get(key)
        if cached is not None:
            status, headers, content = cached
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if response.status_code != 200 or response.streaming:
                return response
            if hasattr(response, "render") and callable(response.render):
                response.render()
            response["ETag"] = _etag(response.content)
            # Every header the middleware inside this one added on the way out (language, Vary, framing,
            # length): a hit skips them, and must answer exactly as the miss did.
            cache.set(key, (response.status_code, list(response.items()), response.content),
                      timeout=settings.API_CACHE_SECONDS)
            response["X-Cache"] = "miss"

        patch_cache_control(response, public=True, max_age=settings.API_BROWSER_CACHE_SECONDS)
        # Shared caches must not hand this to a client that sends a session or credentials.
        patch_vary_headers(response, ("Cookie", "Authorization"))
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        return conditional
