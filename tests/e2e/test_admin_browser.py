"""A press officer publishes a news article in a real browser, in the German admin."""

import pytest
from django.urls import reverse

from cms.models import NewsArticlePage, NewsIndexPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

USERNAME = "pressestelle"
PASSWORD = "e2e-only-Passwort-1"
TITLE = "Werkstor-Tag im Krefelder Hafen"
PARAGRAPH = "Am Samstag öffnen zwölf Unternehmen ihre Tore für Bürgerinnen und Bürger."


@pytest.fixture
def press_officer(settings, django_user_model):
    """The demo content (a transactional test may start from a flushed database) and an editor with a password."""
    from cms.services.demo import demo_content_load
    from cms.services.roles import editors_group_ensure

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_content_load()
    user = django_user_model.objects.create_user(USERNAME, "presse@example.org", PASSWORD)
    user.groups.add(editors_group_ensure())
    return user


def test_press_officer_publishes_a_news_article(browser, live_server, press_officer):
    news_index = NewsIndexPage.objects.get(locale__language_code="de")
    page = browser.new_page(locale="de-DE", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)

    # Log in: the admin speaks German.
    page.goto(f"{live_server.url}{reverse('wagtailadmin_login')}")
    assert page.locator("html").get_attribute("lang") == "de"
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live_server.url}{reverse('wagtailadmin_home')}")

    # To the news index, and add a child page there (news articles are its only page type).
    page.goto(f"{live_server.url}{reverse('wagtailadmin_explore', args=[news_index.pk])}")
    page.get_by_role("link", name="Unterseite hinzufügen").first.click()
    page.wait_for_url(f"**{reverse('wagtailadmin_pages:add', args=['cms', 'newsarticlepage', news_index.pk])}")

    page.fill("#id_title", TITLE)
    # The body is the form's only StreamField: insert a text block and write a paragraph.
    page.get_by_role("button", name="Einen Block einfügen").first.click()
    page.get_by_role("option", name="Text").first.click()
    editor = page.locator(".public-DraftEditor-content").first
    editor.click()
    editor.type(PARAGRAPH)
    # Draftail writes its content into the form's hidden input a moment after typing stops.
    page.wait_for_function(
        "text => document.querySelector(\"input[name='body-0-value']\").value.includes(text)", arg="Samstag"
    )
    page.screenshot(path="/tmp/e2e-news-editor.png", full_page=False)

    # Publish is behind the action menu's toggle, next to "Entwurf speichern".
    page.get_by_role("button", name="Mehr Aktionen").click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url(f"**{reverse('wagtailadmin_explore', args=[news_index.pk])}")
    page.locator(".messages").get_by_text(TITLE).wait_for()
    page.screenshot(path="/tmp/e2e-news-published.png", full_page=False)

    article = NewsArticlePage.objects.get(title=TITLE)
    assert article.live and article.get_parent().pk == news_index.pk
    assert PARAGRAPH in article.body[0].value.source

    # The public API serves it.
    response = page.request.get(
        f"{live_server.url}/api/v2/pages/", params={"type": "cms.NewsArticlePage", "search": "Werkstor"}
    )
    assert response.ok
    assert [item["title"] for item in response.json()["items"]] == [TITLE]
