"""Who may do what in the admin, checked through Wagtail's own views.

Partners of the Krefeld initiative edit that initiative (German and English)
and draft its news for moderation; editors edit and publish everything;
anonymous visitors are sent to the login.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import InitiativePage, NewsArticlePage, NewsIndexPage
from cms.services.roles import (
    INITIATIVE_GROUP_PREFIX,
    PARTNER_PAGE_PERMISSIONS,
    initiative_partner_group_ensure,
    page_explorable_by,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def krefeld(german):
    return InitiativePage.objects.get(locale=german, slug="buendnis-krefeld")


@pytest.fixture
def mittelrhein(german):
    return InitiativePage.objects.get(locale=german, slug="industrieallianz-mittelrhein")


@pytest.fixture
def partner(django_user_model, krefeld):
    user = django_user_model.objects.create_user("test-partner-krefeld", "partner@example.org")
    user.groups.add(initiative_partner_group_ensure(initiative=krefeld))
    return user


@pytest.fixture
def partner_client(client, partner):
    client.force_login(partner)
    return client


@pytest.fixture
def mittelrhein_draft(mittelrhein):
    """Unpublished news of another initiative: none of the Krefeld partners' business."""
    draft = NewsArticlePage(title="Vertraulicher Entwurf Mittelrhein", slug="entwurf-mittelrhein", live=False,
                            locale=mittelrhein.locale)
    mittelrhein.add_child(instance=draft)
    draft.save_revision()
    return draft


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def explore_url(page) -> str:
    return reverse("wagtailadmin_explore", args=[page.pk])


def news_form(title: str, slug: str, action: str | None = None) -> dict:
    data = nested_form_data({
        "title": title, "slug": slug, "date": "2017-04-01", "summary": "",
        "body": streamfield([("text", rich_text("<p>Neues aus dem Bündnis.</p>"))]),
        "comments": inline_formset([]),
    })
    if action:
        data[f"action-{action}"] = f"action-{action}"
    return data


def assert_denied(response):
    """Wagtail answers a forbidden admin page with a redirect to the dashboard (and a message) or a 403."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home"), response.url


# --- initiative partners ----------------------------------------------------------

def test_partner_opens_the_edit_view_of_their_initiative_in_german_and_english(partner_client, krefeld, english):
    assert partner_client.get(edit_url(krefeld)).status_code == 200
    english_krefeld = krefeld.get_translation(english)
    response = partner_client.get(edit_url(english_krefeld))
    assert response.status_code == 200
    # The English page is a synchronised translation: it opens in wagtail-localize's translation editor.
    assert response.context["translation"].target_locale == english
    assert response.context["translation"].source.object_id == krefeld.translation_key


def test_partner_saves_a_change_to_their_initiative_as_a_draft(partner_client, krefeld):
    response = partner_client.post(edit_url(krefeld), nested_form_data({
        "title": krefeld.title, "slug": krefeld.slug, "summary": "Neu: jetzt mit Schulpartnerschaften.",
        "goals": rich_text(krefeld.goals), "activities": streamfield([]), "good_practices": streamfield([]),
        "comments": inline_formset([]),
    }))
    assert response.status_code == 302
    krefeld.refresh_from_db()
    assert krefeld.has_unpublished_changes
    assert krefeld.get_latest_revision_as_object().summary == "Neu: jetzt mit Schulpartnerschaften."
    assert "Schulpartnerschaften" not in krefeld.summary  # the live version is unchanged


def test_partner_adds_news_below_their_initiative_and_submits_it_for_moderation(partner_client, partner, krefeld, editor):
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "newsarticlepage", krefeld.pk])
    assert partner_client.get(add_url).status_code == 200

    response = partner_client.post(add_url, news_form("Werkstor-Tag in Krefeld", "werkstor-tag", action="submit"))
    assert response.status_code == 302
    article = NewsArticlePage.objects.get(slug="werkstor-tag")
    assert article.get_parent().pk == krefeld.pk
    assert not article.live
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == partner

    # An editor is among the approvers of the moderation task and publishes it by approving.
    task_state = state.current_task_state
    assert editor in [u for g in task_state.task.specific.groups.all() for u in g.user_set.all()]
    client = partner_client
    client.force_login(editor)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk]),
        {"comment": "Passt."},
    )
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    assert article.live


def test_partner_cannot_publish_their_news(partner_client, partner, krefeld):
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "newsarticlepage", krefeld.pk])
    assert b"action-publish" not in partner_client.get(add_url).content

    partner_client.post(add_url, news_form("Schon veröffentlicht?", "schon-veroeffentlicht", action="publish"))
    article = NewsArticlePage.objects.get(slug="schon-veroeffentlicht")
    assert not article.live  # the publish button is not theirs: it stays a draft

    assert article.owner == partner
    perms = article.permissions_for_user(partner)
    assert perms.can_edit() and not perms.can_publish()
    # Publishing from the edit view saves a new draft, no more.
    partner_client.post(edit_url(article), news_form("Jetzt aber veröffentlicht", "schon-veroeffentlicht", "publish"))
    article.refresh_from_db()
    assert article.get_latest_revision_as_object().title == "Jetzt aber veröffentlicht"
    assert not article.live


def test_partner_is_refused_another_initiatives_page_and_its_draft_news(
    partner_client, mittelrhein, mittelrhein_draft, english
):
    assert_denied(partner_client.get(edit_url(mittelrhein)))
    assert_denied(partner_client.get(edit_url(mittelrhein.get_translation(english))))
    assert_denied(partner_client.get(edit_url(mittelrhein_draft)))
    assert_denied(partner_client.get(reverse("wagtailadmin_pages:add", args=["cms", "newsarticlepage", mittelrhein.pk])))
    assert_denied(partner_client.get(reverse("wagtailadmin_pages:delete", args=[mittelrhein_draft.pk])))


def test_partner_cannot_open_other_sections_in_the_explorer(
    partner_client, german, english, krefeld, mittelrhein, mittelrhein_draft
):
    for page in (NewsIndexPage.objects.get(locale=german), mittelrhein, mittelrhein.get_translation(english)):
        assert_denied(partner_client.get(explore_url(page)))
        assert_denied(partner_client.get(reverse("wagtailadmin_explore_results", args=[page.pk])))
    # The way down to their own initiative stays open, in both languages.
    for page in (krefeld.get_parent().get_parent(), krefeld.get_parent(), krefeld, krefeld.get_translation(english)):
        assert partner_client.get(explore_url(page)).status_code == 200, page
    assert partner_client.get(reverse("wagtailadmin_explore_root")).status_code == 200
    own = partner_client.get(explore_url(krefeld))
    assert "Krefelder Industriedialog gestartet" in own.content.decode()
    assert "Vertraulicher Entwurf Mittelrhein" not in own.content.decode()


def test_page_explorable_by(partner, editor, krefeld, mittelrhein, german, english, django_user_model):
    krefeld_news = krefeld.get_children().get()
    open_to_partner = [Page.get_first_root_node(), krefeld.get_parent().get_parent(), krefeld.get_parent(),
                       krefeld, krefeld_news, krefeld.get_translation(english)]
    closed_to_partner = [NewsIndexPage.objects.get(locale=german), mittelrhein, mittelrhein.get_translation(english)]
    assert all(page_explorable_by(user=partner, page=page) for page in open_to_partner)
    assert not any(page_explorable_by(user=partner, page=page) for page in closed_to_partner)
    assert all(page_explorable_by(user=editor, page=page) for page in closed_to_partner)
    nobody = django_user_model.objects.create_user("no-rights")
    assert not page_explorable_by(user=nobody, page=krefeld)


def test_partner_cannot_open_users_groups_or_settings(partner_client):
    for name in ("wagtailusers_users:index", "wagtailusers_groups:index", "wagtailsites:index",
                 "wagtaillocales:index", "wagtailusers_users:add"):
        assert_denied(partner_client.get(reverse(name)))
    dashboard = partner_client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert reverse("wagtailusers_users:index") not in html
    assert reverse("wagtailusers_groups:index") not in html
    assert reverse("wagtailsites:index") not in html


def test_partner_group_has_no_rights_outside_the_initiative(partner, krefeld, english):
    group = partner.groups.get()
    pages = {p.pk for p in Page.objects.filter(group_permissions__group=group)}
    assert pages == {krefeld.pk, krefeld.get_translation(english).pk}
    assert not group.permissions.filter(content_type__app_label__in=["auth", "wagtailusers"]).exists()


# --- editors --------------------------------------------------------------------------

def test_editor_can_edit_and_publish_every_page(editor, mittelrhein_draft):
    for page in Page.objects.filter(depth__gt=1):
        perms = page.permissions_for_user(editor)
        assert perms.can_edit() and perms.can_publish(), page


def test_editor_opens_the_edit_views_and_publishes_another_initiatives_draft(
    editor_client, krefeld, mittelrhein, mittelrhein_draft, english, german
):
    for page in (krefeld, mittelrhein, krefeld.get_translation(english), NewsIndexPage.objects.get(locale=german)):
        assert editor_client.get(edit_url(page)).status_code == 200, page
    assert "Vertraulicher Entwurf Mittelrhein" in editor_client.get(explore_url(mittelrhein)).content.decode()

    response = editor_client.post(
        edit_url(mittelrhein_draft), news_form("Entwurf Mittelrhein, freigegeben", "entwurf-mittelrhein", "publish")
    )
    assert response.status_code == 302
    mittelrhein_draft.refresh_from_db()
    assert mittelrhein_draft.live and mittelrhein_draft.title == "Entwurf Mittelrhein, freigegeben"


def test_editor_cannot_manage_users(editor_client):
    assert_denied(editor_client.get(reverse("wagtailusers_users:index")))


# --- anonymous -------------------------------------------------------------------------

def test_anonymous_is_sent_to_the_login(client, krefeld):
    for url in (reverse("wagtailadmin_home"), edit_url(krefeld), explore_url(krefeld),
                reverse("wagtailusers_users:index")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login") + "?next=")


# --- the role service --------------------------------------------------------------------

def test_partner_group_ensure_is_idempotent(krefeld):
    first = initiative_partner_group_ensure(initiative=krefeld)
    grants = set(GroupPagePermission.objects.filter(group=first).values_list("page_id", "permission_id"))
    groups = Group.objects.count()

    second = initiative_partner_group_ensure(initiative=krefeld)
    assert second.pk == first.pk
    assert Group.objects.count() == groups
    assert set(GroupPagePermission.objects.filter(group=second).values_list("page_id", "permission_id")) == grants
    assert {codename for _page, codename in GroupPagePermission.objects.filter(group=second).values_list(
        "page_id", "permission__codename")} == set(PARTNER_PAGE_PERMISSIONS)


def test_partner_group_ensure_is_the_same_for_every_translation(krefeld, english):
    assert initiative_partner_group_ensure(initiative=krefeld.get_translation(english)).pk == (
        initiative_partner_group_ensure(initiative=krefeld).pk
    )


def test_partner_group_survives_a_rename_of_the_initiative(krefeld, partner):
    group = initiative_partner_group_ensure(initiative=krefeld)
    krefeld.title = "Industriebündnis Krefeld"
    krefeld.save_revision().publish()

    again = initiative_partner_group_ensure(initiative=krefeld)
    assert again.pk == group.pk
    assert again.name == f"{INITIATIVE_GROUP_PREFIX}Industriebündnis Krefeld"
    assert not Group.objects.filter(name=f"{INITIATIVE_GROUP_PREFIX}Bündnis Zukunft der Industrie Krefeld").exists()
    assert partner.groups.get().pk == group.pk
    assert krefeld.permissions_for_user(partner).can_edit()


def test_partners_of_a_new_initiative_get_its_english_translation(
    editor_client, german, english, django_user_model
):
    index = InitiativePage.objects.get(locale=german, slug="buendnis-krefeld").get_parent()
    response = editor_client.post(
        reverse("wagtailadmin_pages:add", args=["cms", "initiativepage", index.pk]),
        nested_form_data({"title": "Industrieforum Ruhr", "slug": "industrieforum-ruhr", "summary": "",
                          "goals": rich_text(""), "activities": streamfield([]), "good_practices": streamfield([]),
                          "comments": inline_formset([]), "action-publish": "action-publish"}),
    )
    assert response.status_code == 302
    initiative = InitiativePage.objects.child_of(index).get(slug="industrieforum-ruhr")
    group = Group.objects.get(name=f"{INITIATIVE_GROUP_PREFIX}Industrieforum Ruhr")  # the after_create_page hook

    response = editor_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[initiative.pk]), {"locales": [english.pk]}
    )
    assert response.status_code == 302
    english_initiative = initiative.get_translation(english)

    partner = django_user_model.objects.create_user("test-partner-ruhr")
    partner.groups.add(group)
    assert english_initiative.permissions_for_user(partner).can_edit()
    client = editor_client
    client.force_login(partner)
    assert client.get(edit_url(english_initiative)).status_code == 200
    assert Group.objects.filter(name__startswith=f"{INITIATIVE_GROUP_PREFIX}Industrieforum").count() == 1


def test_partner_groups_of_two_initiatives_are_separate(krefeld, mittelrhein):
    assert initiative_partner_group_ensure(initiative=krefeld).pk != initiative_partner_group_ensure(
        initiative=mittelrhein
    ).pk


def test_demo_users_get_their_roles(krefeld, settings):
    from cms.services.demo import demo_users_ensure

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert dict(demo_users_ensure(password="demo-only")).keys() == {"admin", "redaktion", "partner-krefeld"}
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["admin", "redaktion", "partner-krefeld"])}
    assert users["admin"].is_superuser
    assert krefeld.permissions_for_user(users["redaktion"]).can_publish()
    perms = krefeld.permissions_for_user(users["partner-krefeld"])
    assert perms.can_edit() and not perms.can_publish()
