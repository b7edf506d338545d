"""The API cache never keeps serving a page, image or document after it stopped being public.

Each test first warms the cache with the public answer, then makes the object private in one of
the ways an editor can (a view restriction on it or on an ancestor, a move under a private section,
deletion of an ancestor, a restricted collection), and expects the very next anonymous request to
miss the cache and hide it.
"""

import pytest
from django.test import Client
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.api.caching import content_generation
from cms.models import NewsArticlePage, NewsIndexPage
from tests.cms.factories import CreditedImageFactory

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"
IMAGES = "/api/v2/images/"


@pytest.fixture
def article(german):
    return NewsArticlePage.objects.get(slug="n3tzwerk-unterstuetzt-industriedialog", locale=german)


def _listed_ids(client, endpoint=PAGES) -> set[int]:
    response = client.get(endpoint, {"limit": 100})
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


def _warm(client, page):
    detail = client.get(f"{PAGES}{page.id}/")
    assert detail.status_code == 200
    assert client.get(f"{PAGES}{page.id}/")["X-Cache"] == "hit"
    assert page.id in _listed_ids(client)


def _assert_hidden(client, page):
    assert client.get(f"{PAGES}{page.id}/").status_code == 404
    assert page.id not in _listed_ids(client)


def test_a_login_restriction_on_the_page_hides_it_at_once(client, article):
    _warm(client, article)
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    _assert_hidden(client, article)


def test_a_password_restriction_on_an_ancestor_hides_its_descendants_at_once(client, article):
    _warm(client, article)
    PageViewRestriction.objects.create(
        page=article.get_parent(), restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    _assert_hidden(client, article)


def test_lifting_a_restriction_shows_the_page_again(client, article):
    restriction = PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    _assert_hidden(client, article)
    restriction.delete()
    assert client.get(f"{PAGES}{article.id}/").status_code == 200
    assert article.id in _listed_ids(client)


def test_changing_a_restriction_invalidates(client, article):
    restriction = PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    before = content_generation()
    restriction.restriction_type = PageViewRestriction.PASSWORD
    restriction.password = "anders"
    restriction.save()
    assert content_generation() > before


def test_moving_a_page_under_a_private_section_hides_it_at_once(client, article, german):
    private_section = NewsIndexPage(title="Intern", slug="intern", locale=german)
    article.get_parent().get_parent().add_child(instance=private_section)
    PageViewRestriction.objects.create(page=private_section, restriction_type=PageViewRestriction.LOGIN)
    _warm(client, article)

    article.move(private_section, pos="last-child")

    _assert_hidden(client, NewsArticlePage.objects.get(id=article.id))


def test_deleting_an_ancestor_removes_its_descendants_at_once(client, article):
    _warm(client, article)
    article.get_parent().delete()
    _assert_hidden(client, article)


def test_unpublishing_an_ancestor_with_its_descendants_hides_them_at_once(client, article, superuser):
    _warm(client, article)
    UnpublishPageAction(article.get_parent(), user=superuser, include_descendants=True).execute()
    _assert_hidden(client, article)


def test_a_restriction_set_in_the_admin_hides_the_page_at_once(client, article, superuser):
    _warm(client, article)
    editor = Client()
    editor.force_login(superuser)
    response = editor.post(
        f"/admin/pages/{article.id}/privacy/", {"restriction_type": PageViewRestriction.LOGIN}
    )
    assert response.status_code == 200, response.content[:500]
    assert PageViewRestriction.objects.filter(page=article).exists()
    _assert_hidden(client, article)


def test_restricting_an_image_collection_hides_its_images_at_once(client):
    collection = Collection.get_first_root_node().add_child(name="Vertraulich")
    image = CreditedImageFactory(collection=collection)
    assert image.id in _listed_ids(client, IMAGES)
    assert client.get(f"{IMAGES}{image.id}/")["X-Cache"] == "miss"
    assert client.get(f"{IMAGES}{image.id}/")["X-Cache"] == "hit"

    CollectionViewRestriction.objects.create(collection=collection, restriction_type=CollectionViewRestriction.LOGIN)

    assert client.get(f"{IMAGES}{image.id}/").status_code == 404
    assert image.id not in _listed_ids(client, IMAGES)
