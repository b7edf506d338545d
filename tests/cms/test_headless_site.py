"""A headless host that still answers: `/`, "Live anzeigen" and the preview, with and without a front end."""

import json

import pytest
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction, get_page_models

from cms.models import HomePage, NewsArticlePage, RegionPage
from tests.cms.factories import CreditedImageFactory, NewsArticlePageFactory

pytestmark = pytest.mark.django_db

FRONT_END = "https://www.example.org"


def page_models():
    return [model for model in get_page_models() if model is not Page]


def plainly_rendered_page_models():
    # A newsletter's pages show the mail itself in their preview and are served only through the
    # archive API; tests/newsletters covers both.
    return [model for model in page_models() if model._meta.app_label != "newsletters"]


@pytest.fixture
def no_front_end(settings):
    settings.FRONTEND_URL = ""
    settings.WAGTAIL_HEADLESS_PREVIEW = {**settings.WAGTAIL_HEADLESS_PREVIEW, "CLIENT_URLS": {"default": ""}}
    return settings


@pytest.fixture
def front_end(settings):
    settings.FRONTEND_URL = FRONT_END
    return settings


def test_the_root_says_what_this_host_is_and_links_admin_api_and_schema(client, no_front_end):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Schnittstelle (API)" in html and "This host runs the" in html
    for url in (reverse("wagtailadmin_home"), "/api/v2/pages/", "/api/schema/"):
        assert f'href="{url}"' in html
    assert "Content-Security-Policy" in response.headers
    # Nothing from a third party: no remote stylesheet, font or script.
    assert "<script" not in html and "<link" not in html and "@import" not in html


def test_the_root_links_the_front_end_when_there_is_one(client, front_end):
    assert f'href="{FRONT_END}"' in client.get("/").content.decode()


def test_the_embedded_default_has_no_front_end():
    from django.conf import settings

    assert settings.WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]["default"] == settings.FRONTEND_PREVIEW_URL
    assert settings.CSP_EXTRA_FRAME_SOURCES == [] or settings.FRONTEND_PREVIEW_URL


@pytest.mark.parametrize("model", plainly_rendered_page_models(), ids=lambda model: model.__name__)
def test_every_page_type_answers_live_without_a_front_end(client, no_front_end, model):
    pages = model.objects.live().public()
    assert pages.exists(), f"the demo content has no live {model.__name__}"
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, (page.url, response.status_code)
        if page.url != "/":  # `/` is this host's own page, above
            assert "data-plain-rendering" in response.content.decode()


@pytest.mark.parametrize("model", plainly_rendered_page_models(), ids=lambda model: model.__name__)
def test_every_page_type_previews_plainly_in_the_admin(admin_client, no_front_end, model):
    page = model.objects.filter(locale__language_code="de").first()
    assert page is not None, f"the demo content has no {model.__name__}"
    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Built-in preview" in html or "Eingebaute Vorschau" in html
    assert page.title.replace("&", "&amp;") in html


@pytest.mark.parametrize("model", page_models(), ids=lambda model: model.__name__)
def test_a_new_empty_page_of_every_type_previews(no_front_end, model, german):
    """The preview of a page being created, with nothing filled in but its title, never fails."""
    page = model(title="Ganz neu", slug="ganz-neu", locale=german)
    response = page.make_preview_request()
    assert response.status_code == 200
    content = response.rendered_content if hasattr(response, "rendered_content") else response.content.decode()
    assert "Ganz neu" in content


def test_the_preview_panel_of_the_editor_shows_the_unsaved_form(admin_client, no_front_end):
    """What the editor typed, before saving: through Wagtail's preview-on-edit view."""
    article = NewsArticlePage.objects.filter(locale__language_code="de").first()
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    form = admin_client.get(edit_url).context["form"]
    data = {name: value for name, value in form.initial.items() if isinstance(value, str | int)}
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    data = nested_form_data({
        "title": "Im Editor geändert",
        "slug": article.slug,
        "date": "2017-01-16",
        "summary": "Kurz <b>und</b> knapp",
        "body": streamfield([("text", rich_text("<p>Noch nicht gespeichert</p>"))]),
        "regions": [], "initiatives": [], "topics": [],
    })
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    assert admin_client.post(preview_url, data).json()["is_valid"] is True
    response = admin_client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Im Editor geändert" in html and "Noch nicht gespeichert" in html
    assert "Kurz &lt;b&gt;und&lt;/b&gt; knapp" in html


def test_fields_and_blocks_are_shown_escaped_and_rich_text_sanitised(client, no_front_end, news_index):
    image = CreditedImageFactory(title="Hafen", credit="Foto: Stadt Krefeld")
    body = json.dumps([
        {"type": "text", "value": '<p>Gut <script>alert(1)</script><a href="javascript:alert(2)">x</a></p>'},
        {"type": "quote", "value": {"text": "<img src=x onerror=alert(3)>", "attribution": "Jana", "role": ""}},
        {"type": "image", "value": {"image": image.pk, "caption": "Am Hafen"}},
        {"type": "call_to_action", "value": {"label": "Anmelden", "page": None, "url": "https://example.org/a"}},
    ])
    page = NewsArticlePageFactory(parent=news_index, title="Titel <i>kursiv</i>", summary="<script>x()</script>",
                                  body=body)
    html = client.get(page.url).content.decode()
    assert "Titel &lt;i&gt;kursiv&lt;/i&gt;" in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "<script" not in html and "javascript:" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(3)&gt;" in html
    assert "<p>Gut " in html  # rich text stays formatted
    assert "Foto: Stadt Krefeld" in html and "Am Hafen" in html and "<img src=\"/" in html
    assert 'href="https://example.org/a"' in html and "Anmelden" in html


def test_inline_children_show_their_own_fields(client, no_front_end):
    region = RegionPage.objects.live().filter(locale__language_code="de", contacts__isnull=False).first()
    contact = region.contacts.first()
    html = client.get(region.url).content.decode()
    item = html.split(contact.name)[1].split("</li>")[0]
    assert all(value in item for value in (contact.role, contact.email) if value)


def test_a_private_page_is_not_shown_to_the_public(client, no_front_end, news_index):
    page = NewsArticlePageFactory(parent=news_index, title="Nur intern", summary="Geheime Kurzfassung")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(page.url)
    assert response.status_code in (302, 200)
    assert "Geheime Kurzfassung" not in response.content.decode()


def test_with_a_front_end_view_live_goes_there(admin_client, front_end):
    article = NewsArticlePage.objects.live().filter(locale__language_code="de").first()
    path = article.url_path[len("/home"):]
    assert article.url == f"{FRONT_END}{path}"
    assert article.full_url == f"{FRONT_END}{path}"
    # A request for the page here (an old link, the API's html_url of before) is sent on.
    response = admin_client.get(path)
    assert response.status_code == 302 and response["Location"] == f"{FRONT_END}{path}"
    # The admin's "Live anzeigen" and status links point at the front end.
    listing = admin_client.get(reverse("wagtailadmin_explore", args=[article.get_parent().pk])).content.decode()
    assert f'href="{FRONT_END}{path}"' in listing
    home = HomePage.objects.filter(locale__language_code="de").get()
    assert home.url == f"{FRONT_END}/"


def test_with_a_front_end_the_api_keeps_its_routing(client, front_end):
    article = NewsArticlePage.objects.live().filter(locale__language_code="de").first()
    path = article.url_path[len("/home"):]
    detail = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert detail["meta"]["html_url"] == f"{FRONT_END}{path}"
    # The API's own links stay on this host.
    assert detail["meta"]["detail_url"].endswith(f"/api/v2/pages/{article.pk}/")
    assert not detail["meta"]["detail_url"].startswith(FRONT_END)
    found = client.get("/api/v2/pages/find/", {"html_path": path})
    assert found.status_code == 302 and f"/api/v2/pages/{article.pk}/" in found["Location"]


def test_the_front_end_url_may_carry_the_language(settings):
    settings.FRONTEND_URL = f"{FRONT_END}/{{language}}"
    german = RegionPage.objects.filter(locale__language_code="de").first()
    english = RegionPage.objects.filter(locale__language_code="en", translation_key=german.translation_key).get()
    assert german.url.startswith(f"{FRONT_END}/de/modellregionen/")
    assert english.url.startswith(f"{FRONT_END}/en/")


def test_without_a_front_end_the_api_html_url_is_this_host(client, no_front_end):
    article = NewsArticlePage.objects.live().filter(locale__language_code="de").first()
    detail = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert detail["meta"]["html_url"] == f"http://localhost{article.url_path[len('/home'):]}"


def test_a_configured_preview_front_end_is_framed(admin_client, settings):
    settings.WAGTAIL_HEADLESS_PREVIEW = {**settings.WAGTAIL_HEADLESS_PREVIEW,
                                         "CLIENT_URLS": {"default": "https://preview.example.org/preview"}}
    page = NewsArticlePage.objects.filter(locale__language_code="de").first()
    html = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk])).content.decode()
    assert "https://preview.example.org/preview?content_type=cms.newsarticlepage" in html
    assert "data-plain-rendering" not in html
