"""The synchronised translation workflow of wagtail-localize, through the admin views.

German is the source language. An editor submits a German page for
translation into English, translates its strings in the translation editor
(the same endpoints its React UI calls), publishes the English page, and
re-syncs it after the German page changed. The admin itself speaks German
unless a user picks English in their account preferences.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile
from wagtail_localize.models import LocaleSynchronization, StringSegment, StringTranslation, TranslationSource
from wagtail_localize.synctree import synchronize_tree

from cms.models import NewsArticlePage, Topic

pytestmark = pytest.mark.django_db

TITLE_DE = "Industriedialog in Krefeld erfolgreich"
TITLE_EN = "Industry dialogue in Krefeld a success"
FIRST_DE = "Mehr als hundert Gäste diskutierten über die Zukunft der Industrie."
FIRST_EN = "More than a hundred guests discussed the future of industry."
SECOND_DE = "Der nächste Dialog folgt im Herbst."


@pytest.fixture
def publishing(django_capture_on_commit_callbacks):
    """wagtail-localize publishes translations on commit; a test's transaction never commits, so run them."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def article(news_index, german):
    """A published German article with one paragraph, filed under a topic that has an English translation."""
    page = NewsArticlePage(
        title=TITLE_DE, slug="industriedialog-krefeld-erfolgreich", summary="", locale=german,
        body=[("text", RichText(f"<p>{FIRST_DE}</p>"))],
    )
    news_index.add_child(instance=page)
    page.topics.set([Topic.objects.get(locale=german, slug="industriedialog")])
    page.save_revision().publish()
    return page


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def editor_segments(client, page) -> dict[str, dict]:
    """The string segments the translation editor shows for a translated page, by source text."""
    response = client.get(edit_url(page))
    assert response.status_code == 200
    props = json.loads(response.context["props"])
    return {segment["source"]: segment for segment in props["segments"] if segment["type"] == "string"}


def translate(client, segment: dict, text: str) -> None:
    """What the translation editor does when a translator saves one string."""
    response = client.put(segment["editUrl"], f"value={text}", content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 201), response.content


def submit_for_translation(client, page, locale) -> Page:
    url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert locale in form.context["form"].fields["locales"].queryset
    response = client.post(url, {"locales": [locale.pk]})
    translated = page.get_translation(locale)
    assert response.status_code == 302 and response.url == edit_url(translated)
    return translated


def publish_translation(client, page, publishing) -> NewsArticlePage:
    """The translation editor's Publish button."""
    with publishing():
        response = client.post(edit_url(page), {"action": "publish"})
    assert response.status_code == 302
    return NewsArticlePage.objects.get(pk=page.pk)


def translate_and_publish(client, article, english, publishing) -> NewsArticlePage:
    english_article = submit_for_translation(client, article, english)
    segments = editor_segments(client, english_article)
    translate(client, segments[TITLE_DE], TITLE_EN)
    translate(client, segments[FIRST_DE], FIRST_EN)
    return publish_translation(client, english_article, publishing)


def test_editor_submits_a_german_page_for_translation_and_publishes_the_english_one(
    editor_client, editor, article, english, publishing
):
    english_article = submit_for_translation(editor_client, article, english)
    # The English draft sits in the English news index.
    assert english_article.locale == english and not english_article.live
    assert english_article.get_parent().pk == article.get_parent().get_translation(english).pk
    assert english_article.translation_key == article.translation_key

    # The translation editor opens on it and offers the German strings.
    segments = editor_segments(editor_client, english_article)
    assert {TITLE_DE, FIRST_DE} <= set(segments)

    translate(editor_client, segments[TITLE_DE], TITLE_EN)
    translate(editor_client, segments[FIRST_DE], FIRST_EN)
    english_article = publish_translation(editor_client, english_article, publishing)
    assert english_article.live and english_article.title == TITLE_EN
    assert FIRST_EN in english_article.body[0].value.source
    assert english_article.live_revision.user == editor
    # The filing is copied (the same topic; the API shows it in the page's language).
    assert [t.translation_key for t in english_article.topics.all()] == [t.translation_key for t in article.topics.all()]
    # German stays as it was.
    article.refresh_from_db()
    assert article.title == TITLE_DE and article.live


def test_the_english_page_is_served_by_the_api_once_published(editor_client, article, english, client, publishing):
    english_article = translate_and_publish(editor_client, article, english, publishing)
    client.logout()
    response = client.get("/api/v2/pages/", {"type": "cms.NewsArticlePage", "locale": "en", "fields": "title"})
    assert response.status_code == 200
    assert TITLE_EN in [item["title"] for item in response.json()["items"]]
    assert english_article.pk in [item["id"] for item in response.json()["items"]]
    detail = client.get(f"/api/v2/pages/{english_article.pk}/").json()
    assert detail["title"] == TITLE_EN and FIRST_EN in json.dumps(detail["body"], ensure_ascii=False)
    assert "Industry dialogue" in json.dumps(detail["topics"], ensure_ascii=False)


def test_a_changed_german_source_is_resynced_into_the_english_translation(
    editor_client, article, english, publishing
):
    english_article = translate_and_publish(editor_client, article, english, publishing)

    # An editor adds a paragraph to the German article and publishes it through the page editor.
    block = article.body[0]
    data = nested_form_data({
        "title": TITLE_DE, "slug": article.slug, "date": article.date.isoformat(), "summary": "",
        "body": streamfield([("text", rich_text(f"<p>{FIRST_DE}</p><p>{SECOND_DE}</p>"))]),
        "comments": inline_formset([]),
    })
    data["body-0-id"] = block.id  # the same block, edited: its translated paragraph stays translated
    data["action-publish"] = "action-publish"
    data["topics"] = [t.pk for t in article.topics.all()]
    assert editor_client.post(edit_url(article), data).status_code == 302

    # Sync: "Sync translated pages" opens the update view of the translation source.
    source = TranslationSource.objects.get_for_instance(article)
    update_url = reverse("wagtail_localize:update_translations", args=[source.pk])
    page = editor_client.get(update_url)
    assert page.status_code == 200
    assert [t["locale"] for t in page.context["translations"]] == [english]

    response = editor_client.post(update_url, {})
    assert response.status_code == 302
    new_segment = StringSegment.objects.get(source=source, string__data=SECOND_DE)
    assert not StringTranslation.objects.filter(translation_of=new_segment.string, locale=english).exists()
    segments = editor_segments(editor_client, english_article)
    assert SECOND_DE in segments  # the translator now sees the new, untranslated paragraph
    english_article.refresh_from_db()
    assert SECOND_DE not in english_article.body[0].value.source  # not published yet

    # Syncing with "publish immediately" puts it live, German until someone translates it.
    with publishing():
        assert editor_client.post(update_url, {"publish_translations": "on"}).status_code == 302
    english_article = NewsArticlePage.objects.get(pk=english_article.pk)
    live_body = english_article.body[0].value.source
    assert FIRST_EN in live_body and SECOND_DE in live_body
    assert english_article.title == TITLE_EN

    # The translator translates it and publishes again.
    translate(editor_client, segments[SECOND_DE], "The next dialogue follows in autumn.")
    english_article = publish_translation(editor_client, english_article, publishing)
    assert "The next dialogue follows in autumn." in english_article.body[0].value.source


def test_initiative_partners_cannot_submit_pages_for_translation(client, django_user_model, article, english):
    from cms.models import InitiativePage
    from cms.services.roles import initiative_partner_group_ensure

    partner = django_user_model.objects.create_user("partner-no-translations")
    partner.groups.add(initiative_partner_group_ensure(
        initiative=InitiativePage.objects.get(slug="buendnis-krefeld", locale__language_code="de")
    ))
    client.force_login(partner)
    url = reverse("wagtail_localize:submit_page_translation", args=[article.pk])
    response = client.post(url, {"locales": [english.pk]})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home")
    assert not article.has_translation(english)


# --- the admin's own language ---------------------------------------------------------------

def test_the_admin_speaks_german_by_default(editor_client):
    response = editor_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert "Seiten" in html and "Abmelden" in html


def test_the_login_page_is_german(client):
    html = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Anmelden" in html and "Passwort" in html


def test_a_user_who_prefers_english_gets_an_english_admin(editor_client, editor):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    html = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert '<html lang="en"' in html
    assert "Log out" in html and "Abmelden" not in html


def test_english_can_be_chosen_in_the_account_preferences(editor_client, editor):
    url = reverse("wagtailadmin_account")
    account = editor_client.get(url)
    assert account.status_code == 200
    assert 'name="locale-preferred_language"' in account.content.decode()
    response = editor_client.post(url, {
        "locale-preferred_language": "en",
        "locale-current_time_zone": "",
        "name_email-first_name": "Test", "name_email-last_name": "Editor", "name_email-email": "editor@example.org",
        "notifications-submitted_notifications": "on",
        "notifications-approved_notifications": "on",
        "notifications-rejected_notifications": "on",
        "notifications-updated_comments_notifications": "on",
        "theme-theme": "system", "theme-density": "default", "theme-contrast": "system",
        "theme-keyboard_shortcuts": "on",
    })
    assert response.status_code == 302
    assert UserProfile.get_for_user(editor).preferred_language == "en"
    assert '<html lang="en"' in editor_client.get(reverse("wagtailadmin_home")).content.decode()


# --- a new translation is not public before it is translated (issue #9, finding 14) ---------------

def _english_api_titles() -> list[str]:
    """What an anonymous API client sees in English (its own client: the test's one is logged in)."""
    response = Client().get("/api/v2/pages/", {"locale": "en", "type": "cms.NewsArticlePage", "limit": 100})
    assert response.status_code == 200
    return [item["title"] for item in response.json()["items"]]


def test_a_page_submitted_for_translation_stays_a_draft_with_its_on_commit_work_done(
    editor_client, article, english, publishing
):
    with publishing():
        english_article = submit_for_translation(editor_client, article, english)
    english_article = NewsArticlePage.objects.get(pk=english_article.pk)
    assert not english_article.live and english_article.live_revision is None
    assert TITLE_DE not in _english_api_titles()
    assert Client().get(f"/api/v2/pages/{english_article.pk}/").status_code == 404


def test_a_translated_page_gets_a_slug_from_its_translated_title(editor_client, article, english, publishing):
    english_article = translate_and_publish(editor_client, article, english, publishing)
    assert english_article.slug == "industry-dialogue-in-krefeld-a-success"
    assert english_article.live_revision.as_object().slug == english_article.slug


def test_a_slug_the_translator_chose_is_kept(editor_client, article, english, publishing):
    english_article = submit_for_translation(editor_client, article, english)
    segments = editor_segments(editor_client, english_article)
    translate(editor_client, segments[TITLE_DE], TITLE_EN)
    translate(editor_client, segments[article.slug], "krefeld-dialogue")
    english_article = publish_translation(editor_client, english_article, publishing)
    assert english_article.slug == "krefeld-dialogue"


def test_a_new_german_page_is_not_served_in_english_by_a_synchronised_tree(
    editor_client, news_index, german, english, publishing
):
    # What Settings → Locales → English → "Synchronise content from Deutsch" sets up.
    LocaleSynchronization.objects.create(locale=english, sync_from=german)
    data = nested_form_data({
        "title": "Neue Meldung nur auf Deutsch", "slug": "neue-meldung-nur-deutsch",
        "date": "2017-01-16", "summary": "",
        "body": streamfield([("text", rich_text(f"<p>{FIRST_DE}</p>"))]),
        "comments": inline_formset([]),
    })
    data["action-publish"] = "action-publish"
    url = reverse("wagtailadmin_pages:add", args=["cms", "newsarticlepage", news_index.pk])
    with publishing():
        response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    german_page = NewsArticlePage.objects.get(locale=german, slug="neue-meldung-nur-deutsch")
    assert german_page.live
    titles = _english_api_titles()
    assert "Neue Meldung nur auf Deutsch" not in titles
    english_copy = german_page.get_translations().filter(locale=english).first()
    if english_copy is not None:
        assert Client().get(f"/api/v2/pages/{english_copy.pk}/").status_code == 404


def test_translating_a_synchronised_copy_keeps_it_private_until_it_is_published(
    editor_client, article, german, english, publishing
):
    LocaleSynchronization.objects.create(locale=english, sync_from=german)
    synchronize_tree(german, english)  # what saving the locale setting does: English copies of every page
    alias = article.get_translation(english)
    assert alias.alias_of_id == article.pk and alias.live  # Wagtail keeps aliases live, with the German text
    assert TITLE_DE not in _english_api_titles()

    with publishing():
        english_article = submit_for_translation(editor_client, article, english)
    english_article = NewsArticlePage.objects.get(pk=english_article.pk)
    assert english_article.alias_of_id is None and not english_article.live
    assert TITLE_DE not in _english_api_titles()

    segments = editor_segments(editor_client, english_article)
    translate(editor_client, segments[TITLE_DE], TITLE_EN)
    english_article = publish_translation(editor_client, english_article, publishing)
    assert english_article.live and english_article.slug == "industry-dialogue-in-krefeld-a-success"
    assert TITLE_EN in _english_api_titles()

