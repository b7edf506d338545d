"""Finding 1 of issue #9: no view answers user input back as HTML (feeds, API, Django's error handlers).

Every view that takes input gets a script payload and an attribute-breaking
one. An HTML response never holds the raw payload, and an error response is
never HTML at all (text/plain or JSON). Outreach's views: tests/outreach/test_security_reflection.py.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils.module_loading import import_string

from tests.reflection import PAYLOADS, assert_safe_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", PAYLOADS)
class FeedTests:
    def test_unknown_locale_is_a_plain_text_400(self, client, payload):
        response = client.get("/feeds/events.ics", {"locale": payload})
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert_safe_error(response, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
class APIErrorTests:
    @pytest.mark.parametrize("query", [
        "/api/v2/pages/?site={}", "/api/v2/pages/?type={}", "/api/v2/pages/?fields={}",
        "/api/v2/pages/?order={}", "/api/v2/pages/?{}=1", "/api/v2/images/?fields={}",
        "/api/v2/documents/?order={}", "/api/v2/pages/find/?html_path={}", "/api/v2/page_preview/?content_type={}",
    ])
    def test_bad_requests_are_json(self, client, payload, query):
        response = client.get(query.format(payload))
        assert response.status_code in (400, 404)
        assert response["Content-Type"] == "application/json"
        assert_safe_error(response, payload)

    def test_an_unknown_api_path_is_json(self, client, payload):
        response = client.get(f"/api/v2/pages/{payload}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert_safe_error(response, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
class DefaultHandlerTests:
    def test_404_for_any_path(self, client, payload):
        response = client.get(f"/nirgends/{payload}/")
        assert response.status_code == 404
        assert_safe_error(response, payload)

    def test_400_for_a_bad_host(self, client, payload):
        response = client.get("/", HTTP_HOST=payload)
        assert response.status_code == 400
        assert_safe_error(response, payload)

    def test_403_with_the_exception_text(self, payload):
        from cms import urls

        handler = _handler(urls.handler403)
        response = handler(RequestFactory().get(f"/x/?q={payload}"), exception=PermissionDenied(payload))
        assert response.status_code == 403
        assert_safe_error(response, payload)

    def test_500(self, payload):
        from cms import urls

        response = _handler(urls.handler500)(RequestFactory().get(f"/x/?q={payload}"))
        assert response.status_code == 500
        assert_safe_error(response, payload)


def _handler(dotted_or_callable):
    return dotted_or_callable if callable(dotted_or_callable) else import_string(dotted_or_callable)
