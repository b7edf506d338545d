"""Press kits (issue #10, §6): one ZIP per release, built by the worker's service, cached by content hash,
offered by the newsroom API and downloaded as an attachment; nothing before the embargo."""

import datetime
import io
import zipfile

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection

from press.models import PressKit
from press.services.kits import press_kit_build, press_kit_request
from press.tasks import press_kit_build_task
from tests.press.factories import release_create

pytestmark = pytest.mark.django_db
RELEASES = "/api/v2/pages/"


@pytest.fixture
def document():
    return get_document_model().objects.create(
        title="Hintergrundpapier", file=ContentFile(b"%PDF-1.4 Hintergrund " * 100, name="hintergrund.pdf"),
        collection=Collection.get_first_root_node(), licence="press-use",
    )


@pytest.fixture
def release(newsroom, image_factory, document):
    images = [image_factory(title="Auftakt in Mannheim", credit="Foto: N3tzwerk/Muster", licence="cc-by-4.0"),
              image_factory(title="Podium", credit="Foto: Erika Muster", licence="press-use")]
    return release_create(newsroom=newsroom, images=images, documents=[document], translate=True,
                          slug="pressemappe-test")


def built(release, django_capture_on_commit_callbacks) -> PressKit:
    """Request the kit and run the build that was queued (by this request or the publish), as the worker would."""
    with django_capture_on_commit_callbacks():
        kit = press_kit_request(release=release)
    if kit.status == PressKit.Status.BUILDING:
        press_kit_build(kit_id=kit.pk)
    kit.refresh_from_db()
    return kit


def queued_builds(callbacks) -> int:
    return sum(1 for callback in callbacks if callback.__qualname__.startswith("press_kit_request"))


def archive_of(kit) -> zipfile.ZipFile:
    with storages["private"].open(kit.file.name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_the_kit_holds_pictures_documents_credits_and_the_release_in_each_language(
        release, django_capture_on_commit_callbacks):
    kit = built(release, django_capture_on_commit_callbacks)

    assert kit.status == PressKit.Status.READY and kit.size == storages["private"].size(kit.file.name)
    assert not default_storage.exists(kit.file.name)  # never in the public media storage
    archive = archive_of(kit)
    assert archive.testzip() is None
    names = archive.namelist()
    assert {"credits.txt", "release-de.txt", "release-en.txt"} <= set(names)
    assert [n for n in names if n.startswith("images/original/")] and len(
        [n for n in names if n.startswith("images/")]) == 4
    [document_name] = [n for n in names if n.startswith("documents/")]
    assert document_name.startswith("documents/01-hintergrund") and document_name.endswith(".pdf")
    assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
    assert archive.read(document_name) == b"%PDF-1.4 Hintergrund " * 100
    credits = archive.read("credits.txt").decode()
    assert "Foto: N3tzwerk/Muster" in credits and "CC BY 4.0" in credits
    assert "Foto: Erika Muster" in credits and "Hintergrundpapier" in credits
    assert "Sperrfrist-Test: Neue Modellregion" in archive.read("release-de.txt").decode()
    assert "Simone Ebel-Schmidt" in archive.read("release-de.txt").decode()
    assert "Embargo test: a new model region" in archive.read("release-en.txt").decode()
    for name in names:
        if name.startswith("images/"):
            assert archive.read(name)[:3] in (b"\xff\xd8\xff", b"\x89PN", b"GIF")  # pictures, not text


def test_it_is_built_again_only_when_the_release_or_a_file_changes(release, django_capture_on_commit_callbacks,
                                                                   client):
    first = built(release, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks() as callbacks:
        again = press_kit_request(release=release)
    assert again.pk == first.pk and callbacks == []  # same content: nothing queued

    image = release.images.first().image
    image.credit = "Foto: Jemand anderes"
    with django_capture_on_commit_callbacks() as callbacks:
        image.save()  # a new credit: the kits of the live releases using the image are requested again
    assert queued_builds(callbacks) == 2  # the German release and its English translation
    changed = press_kit_request(release=release)
    assert changed.pk != first.pk and changed.status == PressKit.Status.BUILDING
    assert client.get(f"{RELEASES}{release.pk}/").json()["press_kit"] is None  # null while it is being built

    with django_capture_on_commit_callbacks(execute=True):
        press_kit_build(kit_id=changed.pk)
    assert "Foto: Jemand anderes" in archive_of(PressKit.objects.get(pk=changed.pk)).read("credits.txt").decode()
    assert not PressKit.objects.filter(pk=first.pk).exists()
    assert not storages["private"].exists(first.file.name)  # the old file went with its row
    press_kit_build_task.apply(args=[changed.pk])  # a second run leaves a built kit alone
    assert PressKit.objects.filter(release=release).count() == 1


def test_the_api_offers_the_kit_and_the_download_is_an_attachment(release, django_capture_on_commit_callbacks,
                                                                  client):
    kit = built(release, django_capture_on_commit_callbacks)

    offered = client.get(f"{RELEASES}{release.pk}/").json()["press_kit"]

    assert offered["size"] == kit.size and offered["built_at"]
    assert offered["url"].endswith(f"/press-kits/{release.pk}/pressemappe-test-pressemappe.zip")
    response = client.get(offered["url"].removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert len(body) == kit.size and zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    assert client.get(f"/press-kits/{release.pk}/anderer-name.zip").status_code == 404


def test_publishing_a_release_requests_its_kit(newsroom, image_factory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        release = release_create(newsroom=newsroom, images=[image_factory()], slug="veroeffentlicht")
    kit = PressKit.objects.get(release=release)
    assert kit.status == PressKit.Status.BUILDING and queued_builds(callbacks) == 1


def test_no_kit_before_the_embargo_nor_of_an_unpublished_release(newsroom, image_factory, client, press_client,
                                                                 django_capture_on_commit_callbacks):
    embargoed = release_create(newsroom=newsroom, images=[image_factory()], slug="unter-sperrfrist",
                               embargo=timezone.now() + datetime.timedelta(hours=2))
    assert not PressKit.objects.filter(release=embargoed).exists()  # scheduled, not published: nothing built

    # The press office builds it on demand to check it ...
    with django_capture_on_commit_callbacks() as callbacks:
        response = press_client.post(reverse("press_kit", args=[embargoed.pk]))
    assert response.status_code == 302 and queued_builds(callbacks) == 1
    kit = press_kit_build(kit_id=PressKit.objects.get(release=embargoed).pk)
    assert kit.status == PressKit.Status.READY
    url = f"/press-kits/{embargoed.pk}/{kit.filename}"
    # ... and may download it; the public may not, and the API does not show the release.
    assert press_client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(f"{RELEASES}{embargoed.pk}/").status_code == 404

    live = release_create(newsroom=newsroom, images=[image_factory()], slug="zurueckgezogen")
    live_kit = built(live, django_capture_on_commit_callbacks)
    assert client.get(f"/press-kits/{live.pk}/{live_kit.filename}").status_code == 200
    live.unpublish()
    assert client.get(f"/press-kits/{live.pk}/{live_kit.filename}").status_code == 404


def test_the_admin_screen_speaks_german(press_client, release):
    page = press_client.get(reverse("press_kit", args=[release.pk]), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Pressemappe erstellen" in page
    edit = press_client.get(reverse("wagtailadmin_pages:edit", args=[release.pk])).content.decode()
    assert reverse("press_kit", args=[release.pk]) in edit


def test_the_kit_is_stored_in_the_private_s3_bucket_and_served_only_through_the_view(
        newsroom, image_factory, settings, moto_endpoint, aws_credentials, client, monkeypatch,
        django_capture_on_commit_callbacks):
    from django.core.files.storage import storages

    from press.models import PressKit

    # Names of this test's own: the moto server lives for the whole run, and other tests make their buckets too.
    public_bucket, private_bucket = "dialogdesk-kits-public-test", "dialogdesk-kits-private-test"
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="eu-central-1")
    for bucket in (public_bucket, private_bucket):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    connection = {"endpoint_url": moto_endpoint, "region_name": "eu-central-1", "file_overwrite": False}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage",
                    "OPTIONS": {**connection, "bucket_name": public_bucket, "querystring_auth": False}},
        "private": {"BACKEND": "storages.backends.s3.S3Storage",
                    "OPTIONS": {**connection, "bucket_name": private_bucket, "default_acl": "private",
                                "querystring_auth": True}},
    }
    # The field took its storage when the model was defined, before these settings.
    monkeypatch.setattr(PressKit._meta.get_field("file"), "storage", storages["private"])
    document = get_document_model().objects.create(
        title="Daten", file=ContentFile(b"%PDF-1.4 S3", name="daten.pdf"), collection=Collection.get_first_root_node())
    release = release_create(newsroom=newsroom, images=[image_factory(credit="Foto: S3")], documents=[document],
                             slug="pressemappe-s3")

    kit = built(release, django_capture_on_commit_callbacks)

    public_keys = {obj["Key"] for obj in s3.list_objects_v2(Bucket=public_bucket)["Contents"]}
    private_keys = {obj["Key"] for obj in s3.list_objects_v2(Bucket=private_bucket)["Contents"]}
    assert document.file.name in public_keys and kit.file.name not in public_keys
    assert kit.file.name in private_keys
    stored = s3.get_object(Bucket=private_bucket, Key=kit.file.name)["Body"].read()
    assert len(stored) == kit.size
    archive = zipfile.ZipFile(io.BytesIO(stored))
    assert archive.testzip() is None and archive.read(f"documents/01-{document.filename}") == b"%PDF-1.4 S3"
    response = client.get(f"/press-kits/{release.pk}/{kit.filename}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
