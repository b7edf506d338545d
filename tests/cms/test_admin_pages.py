"""Editors create and publish every page type through Wagtail's own admin views.

Each test posts the form the admin would post (wagtail.test.utils.form_data),
as a member of the Editors group, and checks what ended up in the page tree.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import (
    EventIndexPage,
    EventPage,
    HomePage,
    InitiativeIndexPage,
    InitiativePage,
    NewsArticlePage,
    NewsIndexPage,
    PartnerOrganisation,
    RegionIndexPage,
    RegionPage,
    StudyIndexPage,
    StudyPage,
    Topic,
)
from cms.services.roles import EDITORS_GROUP, INITIATIVE_GROUP_PREFIX

pytestmark = pytest.mark.django_db


def add_url(model, parent) -> str:
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def page_form(**fields) -> dict:
    """The POST body of Wagtail's page form: our fields plus the empty comments formset.

    Lists are the values of a multiple choice (regions, topics...), posted as repeated keys.
    """
    choices = {name: value for name, value in fields.items() if isinstance(value, list)}
    nested = {name: value for name, value in fields.items() if name not in choices}
    return {**nested_form_data({"comments": inline_formset([]), **nested}), **choices}


def publish(client, model, parent, **fields):
    """Create and publish through the admin; returns the response (a redirect to the explorer on success)."""
    return client.post(add_url(model, parent), page_form(**fields, **{"action-publish": "action-publish"}))


def assert_published(response, parent):
    errors = response.context["form"].errors if response.context and "form" in response.context else None
    assert response.status_code == 302, errors
    assert response.url == reverse("wagtailadmin_explore", args=[parent.pk])


def test_editor_creates_and_publishes_a_news_article_with_body_regions_and_topics(editor_client, german, editor):
    news_index = NewsIndexPage.objects.get(locale=german)
    krefeld = RegionPage.objects.get(locale=german, slug="krefeld")
    mittelrhein = RegionPage.objects.get(locale=german, slug="mittelrhein")
    topic = Topic.objects.get(locale=german, slug="industriedialog")

    assert editor_client.get(add_url(NewsArticlePage, news_index)).status_code == 200
    response = publish(
        editor_client, NewsArticlePage, news_index,
        title="Dialog in Krefeld und am Mittelrhein",
        slug="dialog-krefeld-mittelrhein",
        date="2017-03-01",
        summary="Zwei Modellregionen laden ein.",
        body=streamfield([
            ("text", rich_text("<p>Die <b>Industrie</b> lädt ein.</p>")),
            ("quote", {"text": "Der Dialog ist unverzichtbar.", "attribution": "N3tzwerk", "role": "Projektleitung"}),
        ]),
        regions=[krefeld.pk, mittelrhein.pk],
        topics=[topic.pk],
    )
    assert_published(response, news_index)

    article = NewsArticlePage.objects.get(slug="dialog-krefeld-mittelrhein")
    assert article.live and not article.has_unpublished_changes
    assert article.get_parent().pk == news_index.pk and article.locale == german
    assert article.date == datetime.date(2017, 3, 1)
    assert [block.block_type for block in article.body] == ["text", "quote"]
    assert "<b>Industrie</b>" in article.body[0].value.source
    assert article.body[1].value["attribution"] == "N3tzwerk"
    assert set(article.regions.all()) == {krefeld, mittelrhein}
    assert list(article.topics.all()) == [topic]
    assert article.live_revision.user == editor
    # The news index now lists it in the explorer.
    assert "Dialog in Krefeld und am Mittelrhein" in editor_client.get(
        reverse("wagtailadmin_explore", args=[news_index.pk])
    ).content.decode()


def test_a_news_article_without_title_is_rejected_with_a_form_error(editor_client, news_index):
    before = NewsArticlePage.objects.count()
    response = publish(editor_client, NewsArticlePage, news_index, title="", slug="", body=streamfield([]))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert NewsArticlePage.objects.count() == before


def test_editor_creates_a_region_with_a_contact(editor_client, german):
    index = RegionIndexPage.objects.get(locale=german)
    response = publish(
        editor_client, RegionPage, index,
        title="Ostwestfalen-Lippe", slug="ostwestfalen-lippe", level="region", federal_state="NW",
        summary="Industriedialog in Ostwestfalen.",
        body=streamfield([("text", rich_text("<p>Maschinenbau und Möbel.</p>"))]),
        contacts=inline_formset([{"name": "Erika Muster", "role": "Pressekontakt", "email": "presse@example.org"}]),
    )
    assert_published(response, index)
    region = RegionPage.objects.get(slug="ostwestfalen-lippe")
    assert region.live and region.get_level_display() and region.federal_state == "NW"
    assert [c.name for c in region.contacts.all()] == ["Erika Muster"]


def _event_fields(**overrides) -> dict:
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=30)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    fields = {
        "title": "Industriedialog Krefeld",
        "slug": "industriedialog-krefeld",
        "kind": EventPage.Kind.REGIONAL_DIALOGUE,
        "start_at": start.strftime("%Y-%m-%d %H:%M"),
        "end_at": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
        "place": "Krefeld, Rathaus",
        "body": streamfield([]),
    }
    fields.update(overrides)
    return fields


def test_editor_creates_an_event(editor_client, german):
    index = EventIndexPage.objects.get(locale=german)
    assert_published(publish(editor_client, EventPage, index, **_event_fields()), index)
    event = EventPage.objects.get(slug="industriedialog-krefeld")
    assert event.live and event.is_upcoming
    assert event.end_at - event.start_at == datetime.timedelta(hours=3)


def test_an_event_ending_before_it_starts_is_rejected_with_a_form_error(editor_client, german):
    index = EventIndexPage.objects.get(locale=german)
    fields = _event_fields()
    fields["end_at"], fields["start_at"] = fields["start_at"], fields["end_at"]
    response = publish(editor_client, EventPage, index, **fields)
    assert response.status_code == 200
    assert "end_at" in response.context["form"].errors
    assert not EventPage.objects.filter(slug="industriedialog-krefeld").exists()


def test_editor_creates_an_initiative_and_its_partner_group_appears(editor_client, german):
    index = InitiativeIndexPage.objects.get(locale=german)
    partner = PartnerOrganisation.objects.get(name="Prognos AG")
    response = publish(
        editor_client, InitiativePage, index,
        title="Industrieforum Ruhr", slug="industrieforum-ruhr",
        summary="Unternehmen und Gewerkschaften im Ruhrgebiet.",
        goals=rich_text("<p>Nachwuchs gewinnen.</p>"),
        activities=streamfield([("activity", {"title": "Werkstor-Tag", "description": rich_text("<p>Offen.</p>"),
                                              "date": "2017-05-01"})]),
        good_practices=streamfield([]),
        partners=[partner.pk],
        contact_email="kontakt@example.org",
    )
    assert_published(response, index)
    initiative = InitiativePage.objects.get(slug="industrieforum-ruhr")
    assert initiative.live and list(initiative.partners.all()) == [partner]
    assert initiative.activities[0].value["title"] == "Werkstor-Tag"

    # The after_create_page hook made the partners' group, with rights on this page only.
    group = Group.objects.get(name=f"{INITIATIVE_GROUP_PREFIX}Industrieforum Ruhr")
    granted = set(GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission__codename"))
    assert granted == {(initiative.pk, "add_page"), (initiative.pk, "change_page")}
    assert group.permissions.filter(codename="access_admin").exists()


def test_editor_creates_a_study(editor_client, german):
    index = StudyIndexPage.objects.get(locale=german)
    response = publish(
        editor_client, StudyPage, index,
        title="Akzeptanz der Industrie 2017", slug="akzeptanz-2017", kind=StudyPage.Kind.STUDY,
        publication_date="2017-06-30", authors="Prognos AG",
        body=streamfield([("text", rich_text("<p>Ergebnisse einer Umfrage.</p>"))]),
        topics=[Topic.objects.get(locale=german, slug="akzeptanz").pk],
    )
    assert_published(response, index)
    study = StudyPage.objects.get(slug="akzeptanz-2017")
    assert study.live and study.authors == "Prognos AG" and study.topics.get().slug == "akzeptanz"


def test_editor_saves_a_draft_and_publishes_it_later_from_the_edit_view(editor_client, news_index):
    response = editor_client.post(
        add_url(NewsArticlePage, news_index),
        page_form(title="Entwurf", slug="entwurf", date="2017-02-01", body=streamfield([("text", rich_text("<p>Erst intern.</p>"))])),
    )
    article = NewsArticlePage.objects.get(slug="entwurf")
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_pages:edit", args=[article.pk])
    assert not article.live

    response = editor_client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        page_form(title="Entwurf, jetzt öffentlich", slug="entwurf", date="2017-02-01",
                  body=streamfield([("text", rich_text("<p>Jetzt für alle.</p>"))]),
                  **{"action-publish": "action-publish"}),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.live and article.title == "Entwurf, jetzt öffentlich"


# --- tree rules ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("parent_model", "allowed"),
    [
        (HomePage, {RegionIndexPage, InitiativeIndexPage, NewsIndexPage, EventIndexPage, StudyIndexPage,
                    apps.get_model("press", "NewsroomPage"), apps.get_model("newsletters", "NewsletterIndexPage")}),
        (RegionIndexPage, {RegionPage}),
        (InitiativeIndexPage, {InitiativePage}),
        (InitiativePage, {NewsArticlePage}),
        (NewsIndexPage, {NewsArticlePage}),
        (EventIndexPage, {EventPage}),
        (StudyIndexPage, {StudyPage}),
        (RegionPage, set()),
        (NewsArticlePage, set()),
        (EventPage, set()),
        (StudyPage, set()),
    ],
)
def test_allowed_subpage_types(parent_model, allowed):
    assert set(parent_model.allowed_subpage_models()) == allowed


@pytest.mark.parametrize(
    ("parent_model", "child_model"),
    [
        (RegionIndexPage, NewsArticlePage),
        (EventIndexPage, NewsArticlePage),
        (NewsIndexPage, EventPage),
        (RegionPage, NewsArticlePage),
        (HomePage, NewsArticlePage),
        (StudyIndexPage, InitiativePage),
    ],
)
def test_page_types_that_cannot_be_created_at_a_place(parent_model, child_model):
    assert not child_model.can_create_at(parent_model.objects.first())


def test_the_admin_refuses_a_news_article_under_the_region_index(editor_client, german):
    regions = RegionIndexPage.objects.get(locale=german)
    before = NewsArticlePage.objects.count()
    response = publish(editor_client, NewsArticlePage, regions, title="Falsch einsortiert", slug="falsch",
                       body=streamfield([]))
    assert response.status_code in (302, 403)
    assert NewsArticlePage.objects.count() == before
    if response.status_code == 302:
        assert response.url != reverse("wagtailadmin_explore", args=[regions.pk])
    # ...and does not offer it as a choice of child page.
    choices = editor_client.get(reverse("wagtailadmin_pages:add_subpage", args=[regions.pk]))
    assert choices.status_code in (200, 302)
    assert add_url(NewsArticlePage, regions) not in choices.content.decode()


def test_a_second_news_index_under_the_same_home_page_is_refused(german):
    home = HomePage.objects.get(locale=german)
    assert not NewsIndexPage.can_create_at(home)


# --- snippets --------------------------------------------------------------------------

def test_editor_creates_a_topic_in_the_admin(editor_client, german):
    url = reverse("wagtailsnippets_cms_topic:add") + "?locale=de"
    response = editor_client.post(url, {"name": "Klimaschutz", "slug": "klimaschutz", "locale": german.pk})
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    topic = Topic.objects.get(slug="klimaschutz")
    assert topic.locale == german and topic.name == "Klimaschutz"
    listing = editor_client.get(reverse("wagtailsnippets_cms_topic:list") + "?locale=de")
    assert "Klimaschutz" in listing.content.decode()


def test_editor_creates_a_partner_organisation_in_the_admin(editor_client):
    response = editor_client.post(
        reverse("wagtailsnippets_cms_partnerorganisation:add"),
        {"name": "IG Metall Krefeld", "kind": PartnerOrganisation.Kind.UNION, "website": "https://example.org/igm"},
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    partner = PartnerOrganisation.objects.get(name="IG Metall Krefeld")
    assert partner.kind == "union"


def test_a_duplicate_partner_organisation_name_is_a_form_error(editor_client):
    response = editor_client.post(
        reverse("wagtailsnippets_cms_partnerorganisation:add"),
        {"name": "Prognos AG", "kind": PartnerOrganisation.Kind.COMPANY, "website": ""},
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert PartnerOrganisation.objects.filter(name="Prognos AG").count() == 1


def test_the_editors_group_holds_publish_rights_from_the_tree_root():
    group = Group.objects.get(name=EDITORS_GROUP)
    root = Page.get_first_root_node()
    codenames = set(GroupPagePermission.objects.filter(group=group, page=root).values_list("permission__codename", flat=True))
    assert {"add_page", "change_page", "publish_page"} <= codenames
    assert group.permissions.filter(codename="add_topic").exists()
    assert group.permissions.filter(
        pk=Permission.objects.get(content_type__app_label="cms", codename="add_partnerorganisation").pk
    ).exists()
