"""Media storage: local by default, S3 through django-storages/boto3 when configured.

S3 is exercised against moto in server mode on loopback, so boto3 speaks real
HTTP to a real process.
"""

import io
import os
import subprocess
import sys

import boto3
import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db

BUCKET = "dialogdesk-media-test"




def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 480), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _settings_in_subprocess(env: dict) -> subprocess.CompletedProcess:
    code = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','cms.settings'); " \
           "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    clean = {k: v for k, v in os.environ.items() if k not in ("MEDIA_BACKEND", "AWS_STORAGE_BUCKET_NAME")}
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True)


def test_media_backend_s3_is_chosen_by_environment():
    result = _settings_in_subprocess({"MEDIA_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": BUCKET})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "storages.backends.s3.S3Storage"


def test_media_backend_s3_without_bucket_refuses_to_start():
    result = _settings_in_subprocess({"MEDIA_BACKEND": "s3"})
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_unknown_media_backend_refuses_to_start():
    result = _settings_in_subprocess({"MEDIA_BACKEND": "ftp"})
    assert result.returncode != 0
    assert "MEDIA_BACKEND must be 'local' or 's3'" in result.stderr


def test_image_with_credit_and_renditions_is_stored_in_s3(settings, moto_endpoint, aws_credentials):
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="eu-central-1")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": moto_endpoint, "region_name": "eu-central-1",
                        "querystring_auth": False, "file_overwrite": False},
        },
    }
    image = get_image_model().objects.create(
        title="Industriedialog Krefeld",
        file=ImageFile(io.BytesIO(_png_bytes()), name="krefeld.png"),
        credit="Foto: N3tzwerk",
        licence="press-use",
    )
    rendition = image.get_rendition("fill-400x300")

    keys = {obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert image.file.name in keys
    assert rendition.file.name in keys
    assert rendition.url.startswith(f"{moto_endpoint}/{BUCKET}/")
    stored = s3.get_object(Bucket=BUCKET, Key=image.file.name)["Body"].read()
    assert stored[:8] == b"\x89PNG\r\n\x1a\n"


def test_local_storage_keeps_files_under_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = get_image_model().objects.create(
        title="Lokal", file=ImageFile(io.BytesIO(_png_bytes()), name="lokal.png"), credit="Demo"
    )
    assert (tmp_path / image.file.name).read_bytes()[:4] == b"\x89PNG"
