"""How uploads reach the public (issue #9, findings 2 and 3), with DEBUG off as in production.

Nothing an editor uploads is served inline from the project's own origin:
documents go through Wagtail's document view (attachment, CSP, collection
privacy), images only as renditions through a view that serves image types
and nothing else. Files of a login-restricted collection stay private.
"""

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

pytestmark = pytest.mark.django_db

SCRIPT = b"<html><body><script>fetch('/admin/')</script></body></html>"


def _png(width=64, height=48) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def private_collection():
    collection = Collection.get_first_root_node().add_child(name="Intern")
    CollectionViewRestriction.objects.create(collection=collection, restriction_type=CollectionViewRestriction.LOGIN)
    return collection


def _image(collection=None, name="bild.png"):
    return get_image_model().objects.create(
        title="Bild", file=ImageFile(io.BytesIO(_png()), name=name), credit="Foto: Test",
        collection=collection or Collection.get_first_root_node(),
    )


def _document(collection=None, name="angriff.html", content=SCRIPT):
    return get_document_model().objects.create(
        title="Dokument", file=ContentFile(content, name=name),
        collection=collection or Collection.get_first_root_node(),
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _assert_not_inline_html(response):
    if response.status_code != 200:
        return
    disposition = response.get("Content-Disposition", "")
    assert disposition.startswith("attachment"), disposition
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- no generic /media/ ---------------------------------------------------------------------

def test_an_uploaded_html_document_is_not_served_under_media(client):
    document = _document()
    response = client.get(f"/media/{document.file.name}")
    assert response.status_code == 404
    assert SCRIPT not in _body(response)


def test_an_uploaded_html_document_is_served_only_as_an_attachment_with_a_csp(client):
    document = _document()
    response = client.get(document.url)
    assert response.status_code == 200
    assert _body(response) == SCRIPT  # the download itself works
    _assert_not_inline_html(response)


def test_only_pdf_is_shown_inline(client):
    pdf = _document(name="bericht.pdf", content=b"%PDF-1.4\n%%EOF\n")
    response = client.get(pdf.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    text = _document(name="notiz.txt", content=b"<script>alert(1)</script>")
    assert client.get(text.url)["Content-Disposition"].startswith("attachment")


def test_documents_are_served_through_the_view_for_every_storage(settings):
    from django.conf import settings as live_settings

    assert live_settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert live_settings.WAGTAILDOCS_INLINE_CONTENT_TYPES == ["application/pdf"]


def test_original_images_are_not_served(client):
    image = _image()
    assert image.file.name.startswith("original_images/")
    assert client.get(f"/media/{image.file.name}").status_code == 404


@pytest.mark.parametrize("template", [
    "/media/images/../{original}",
    "/media/images/%2e%2e/{original}",
    "/media/images/..%2F{quoted}",
    "/media/images/",
    "/media/images/nothing-here.png",
])
def test_paths_outside_the_renditions_are_refused(client, template):
    from urllib.parse import quote

    original = _image().file.name
    path = template.format(original=original, quoted=quote(original, safe=""))
    assert client.get(path).status_code == 404


def test_a_file_in_the_images_folder_that_is_no_rendition_is_refused(client, settings):
    target = settings.MEDIA_ROOT / "images" / "untergeschoben.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(SCRIPT)
    response = client.get("/media/images/untergeschoben.html")
    assert response.status_code == 404
    assert SCRIPT not in _body(response)


# --- renditions ----------------------------------------------------------------------------

def test_a_rendition_of_a_public_image_is_served_as_an_image(client):
    rendition = _image().get_rendition("fill-40x30")
    assert rendition.url.startswith("/media/images/")
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "public" in response["Cache-Control"]
    assert _body(response)[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_rendition_of_a_private_image_is_refused_to_anonymous_users(client, private_collection):
    rendition = _image(private_collection).get_rendition("fill-40x30")
    assert client.get(rendition.url).status_code == 404


def test_a_rendition_of_a_private_image_is_served_to_a_logged_in_user(
    client, private_collection, django_user_model
):
    rendition = _image(private_collection).get_rendition("fill-40x30")
    client.force_login(django_user_model.objects.create_user("leserin"))
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" not in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_rendition_in_a_group_restricted_collection_needs_the_group(client, django_user_model):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Presse intern")
    collection = Collection.get_first_root_node().add_child(name="Nur Presse")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set([group])
    rendition = _image(collection).get_rendition("fill-40x30")
    user = django_user_model.objects.create_user("aussen")
    client.force_login(user)
    assert client.get(rendition.url).status_code == 404
    user.groups.add(group)
    assert client.get(rendition.url).status_code == 200


def test_a_private_document_is_refused_to_anonymous_users_and_served_to_a_logged_in_one(
    client, private_collection, django_user_model
):
    document = _document(private_collection, name="intern.pdf", content=b"%PDF-1.4 intern\n%%EOF\n")
    assert client.get(f"/media/{document.file.name}").status_code == 404
    anonymous = client.get(document.url)
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    client.force_login(django_user_model.objects.create_user("leser"))
    response = client.get(document.url)
    assert response.status_code == 200
    assert _body(response).startswith(b"%PDF-1.4 intern")


def test_an_editor_sees_thumbnails_of_private_images_in_the_admin(client, superuser, private_collection):
    # The restriction is a password one, which an editor has never entered.
    CollectionViewRestriction.objects.filter(collection=private_collection).update(
        restriction_type=CollectionViewRestriction.PASSWORD, password="geheim"
    )
    rendition = _image(private_collection).get_rendition("max-165x165")
    assert client.get(rendition.url).status_code == 404
    client.force_login(superuser)
    assert client.get(rendition.url).status_code == 200


# --- what the API points at -----------------------------------------------------------------

def test_the_images_api_points_only_at_renditions_that_are_served(client):
    image = _image()
    item = client.get(f"/api/v2/images/{image.pk}/").json()
    urls = [item["meta"]["download_url"]] + [item[name]["url"] for name in ("thumbnail", "medium", "large")]
    for url in urls:
        assert "original_images" not in url
        path = url.removeprefix("http://testserver")
        response = client.get(path)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/png"


def test_the_documents_api_points_at_the_document_view(client):
    document = _document(name="bericht.pdf", content=b"%PDF-1.4\n%%EOF\n")
    item = client.get(f"/api/v2/documents/{document.pk}/").json()
    assert item["meta"]["download_url"] == f"http://testserver/documents/{document.pk}/{document.filename}"
    assert client.get(item["meta"]["download_url"].removeprefix("http://testserver")).status_code == 200


def test_a_public_page_does_not_point_anonymous_users_at_a_private_image(
    client, private_collection, news_index, german
):
    from cms.models import NewsArticlePage

    image = _image(private_collection, name="vertraulich.png")
    page = NewsArticlePage(
        title="Meldung mit internem Bild", slug="meldung-internes-bild", summary="", locale=german, image=image,
        body=[("image", {"image": image, "caption": "Intern"})],
    )
    news_index.add_child(instance=page)
    page.save_revision().publish()

    detail = client.get(f"/api/v2/pages/{page.pk}/")
    assert detail.status_code == 200
    text = json.dumps(detail.json())
    assert "vertraulich" not in text  # neither the original nor a rendition of it
    data = detail.json()
    assert data["image_rendition"] is None
    assert data["body"][0]["value"] is None
