"""Headless preview: draft content behind a signed, expiring token, never cached."""

import time

import pytest
from django.core import signing

from cms.models import NewsArticlePage
from tests.cms.factories import NewsArticlePageFactory

pytestmark = pytest.mark.django_db

PREVIEW = "/api/v2/page_preview/"


@pytest.fixture
def draft(news_index):
    """A live article with a newer, unpublished draft, previewed the way the admin does it."""
    page = NewsArticlePageFactory(parent=news_index, title="Öffentlicher Titel", summary="Öffentlich")
    page = NewsArticlePage.objects.get(id=page.id)
    page.title = "Entwurfstitel"
    page.summary = "Entwurf der Kurzfassung"
    page.save_revision()
    return page


def preview(client, token, content_type="cms.newsarticlepage"):
    return client.get(PREVIEW, {"content_type": content_type, "token": token})


def test_preview_returns_the_draft_with_all_fields(client, draft):
    token = draft.create_page_preview().token
    response = preview(client, token)
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    assert data["title"] == "Entwurfstitel"
    assert data["summary"] == "Entwurf der Kurzfassung"
    assert data["meta"]["type"] == "cms.NewsArticlePage"
    assert {"body", "regions", "topics", "date"} <= set(data)
    # The public API still shows the live version.
    assert client.get(f"/api/v2/pages/{draft.id}/").json()["title"] == "Öffentlicher Titel"


def test_preview_of_a_page_never_published(client, news_index):
    page = NewsArticlePageFactory(parent=news_index, title="Nie veröffentlicht", live=False)
    response = preview(client, page.create_page_preview().token)
    assert response.status_code == 200
    assert response.json()["title"] == "Nie veröffentlicht"


def test_preview_of_a_page_being_created(client, news_index, german):
    """The admin previews a page before its first save: no id, a provisional tree path."""
    page = NewsArticlePage(title="Ganz neu", slug="ganz-neu", locale=german, summary="Noch nicht gespeichert")
    # As wagtail.admin.views.pages.preview.PreviewOnCreate does it.
    page.depth = news_index.depth + 1
    page.path = page._get_path(news_index.path, page.depth, news_index.numchild + 1)
    token = page.create_page_preview().token
    response = preview(client, token)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["summary"] == "Noch nicht gespeichert"


def test_preview_is_never_cached(client, draft):
    response = preview(client, draft.create_page_preview().token)
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert "public" not in cache_control
    assert "ETag" not in response


@pytest.mark.parametrize(
    "alter",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace("id=", "id=1", 1),
        lambda token: signing.TimestampSigner(salt="something-else").sign(token.split(":")[0]),
        lambda token: "not-a-token",
    ],
    ids=["bad-signature", "other-identity", "wrong-salt", "garbage"],
)
def test_forged_token_is_404(client, draft, alter):
    token = draft.create_page_preview().token
    response = preview(client, alter(token))
    assert response.status_code == 404
    assert "message" in response.json()


def test_token_for_another_page_type_is_404(client, draft):
    response = preview(client, draft.create_page_preview().token, content_type="cms.eventpage")
    assert response.status_code == 404


class _TwoHoursAgoSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 7200)


def test_expired_token_is_404(client, draft, settings):
    settings.PREVIEW_TOKEN_MAX_AGE = 3600
    token = _TwoHoursAgoSigner(salt="headlesspreview.token").sign(f"id={draft.id}")
    draft.update_page_preview(token)
    response = preview(client, token)
    assert response.status_code == 404
    assert response.json()["message"] == "Dieser Vorschau-Link ist abgelaufen."


def test_max_age_zero_expires_every_token(client, draft, settings):
    token = _TwoHoursAgoSigner(salt="headlesspreview.token").sign(f"id={draft.id}")
    draft.update_page_preview(token)
    settings.PREVIEW_TOKEN_MAX_AGE = 0
    assert preview(client, token).status_code == 404
    settings.PREVIEW_TOKEN_MAX_AGE = 3 * 3600
    assert preview(client, token).status_code == 200


@pytest.mark.parametrize(
    "params",
    [{}, {"token": "x"}, {"content_type": "cms.newsarticlepage"}, {"content_type": "nodot", "token": "x"}],
)
def test_missing_parameters_are_400(client, params):
    response = client.get(PREVIEW, params)
    assert response.status_code == 400
    assert "content_type" in response.json()["message"]


def test_unknown_content_type_is_404(client, draft):
    response = preview(client, draft.create_page_preview().token, content_type="cms.nosuchpage")
    assert response.status_code == 404
