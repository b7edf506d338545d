"""Rich text leaves the API sanitised, whatever was stored (imports, shell, migrations)."""

import pytest
from wagtail.rich_text import RichText

from cms.models import InitiativePage
from tests.cms.factories import NewsArticlePageFactory

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">Hallo <script>alert(1)</script>'
    '<a href="javascript:alert(2)">klick</a> <a href="https://example.org/" target="_blank">gut</a>'
    '<img src="x" onerror="alert(3)"><iframe src="https://evil.example/"></iframe></p>'
    '<style>body{display:none}</style>'
)


def assert_clean(html):
    lowered = html.lower()
    for needle in ("<script", "alert(1)", "onclick", "onerror", "javascript:", "<iframe", "<style", "target="):
        assert needle not in lowered, (needle, html)
    assert "Hallo" in html
    assert '<a href="https://example.org/" rel="noopener noreferrer">gut</a>' in html


def test_stream_field_text_block_is_sanitised(client, news_index):
    page = NewsArticlePageFactory(parent=news_index, body=[("text", RichText(HOSTILE))])
    data = client.get(f"/api/v2/pages/{page.id}/").json()
    assert_clean(data["body"][0]["value"])


def test_stream_field_is_sanitised_in_listings_too(client, news_index):
    page = NewsArticlePageFactory(parent=news_index, body=[("text", RichText(HOSTILE))])
    data = client.get("/api/v2/pages/", {"type": "cms.NewsArticlePage", "fields": "body", "limit": 100}).json()
    body = next(item["body"] for item in data["items"] if item["id"] == page.id)
    assert_clean(body[0]["value"])


def test_rich_text_field_is_sanitised(client, german):
    initiative = InitiativePage.objects.get(slug="buendnis-krefeld", locale=german)
    initiative.goals = HOSTILE
    initiative.save_revision().publish()
    data = client.get(f"/api/v2/pages/{initiative.id}/").json()
    assert_clean(data["goals"])


def test_structured_blocks_with_rich_text_are_sanitised(client, german):
    initiative = InitiativePage.objects.get(slug="buendnis-krefeld", locale=german)
    initiative.activities = [("activity", {"title": "Tag der offenen Tür", "description": RichText(HOSTILE)})]
    initiative.good_practices = [("good_practice", {"title": "Nacht", "summary": RichText(HOSTILE)})]
    initiative.save_revision().publish()
    data = client.get(f"/api/v2/pages/{initiative.id}/").json()
    assert_clean(data["activities"][0]["value"]["description"])
    assert_clean(data["good_practices"][0]["value"]["summary"])


def test_internal_page_links_are_resolved(client, news_index, german):
    initiative = InitiativePage.objects.get(slug="buendnis-krefeld", locale=german)
    html = f'<p><a linktype="page" id="{initiative.id}">Bündnis</a></p>'
    page = NewsArticlePageFactory(parent=news_index, body=[("text", RichText(html))])
    value = client.get(f"/api/v2/pages/{page.id}/").json()["body"][0]["value"]
    assert "linktype" not in value
    assert 'href="' in value and "buendnis-krefeld" in value
