"""API fields for images that point the public only at renditions it may fetch.

Originals are never served (only renditions are, media.views), and an image in
a collection this request may not see is shown as null wherever it is linked,
as the images endpoint already leaves it out of its listing.
"""

from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.api.v2.serializers import ImageDownloadUrlField, ImageSerializer

from media.services import image_visible_publicly

# A full-size rendition: the original's pixels, re-encoded without its metadata (camera, GPS).
DOWNLOAD_FILTER_SPEC = "original"


def _request(field):
    return field.context.get("request") if hasattr(field, "context") else None


class PublicImageRenditionField(ImageRenditionField):
    """A rendition's url and size, or null when the request may not see the image."""

    def to_representation(self, image):
        if not image_visible_publicly(image=image, request=_request(self)):
            return None
        return super().to_representation(image)


class RenditionDownloadUrlField(ImageDownloadUrlField):
    """download_url: a full-size rendition instead of the original file, which is never served."""

    def to_representation(self, image):
        return image.get_rendition(DOWNLOAD_FILTER_SPEC).url


class PublicImageSerializer(ImageSerializer):
    """An image with credit and licence; null where a page links an image the request may not see."""

    download_url = RenditionDownloadUrlField(read_only=True)

    def to_representation(self, instance):
        if not image_visible_publicly(image=instance, request=self.context.get("request")):
            return None
        return super().to_representation(instance)
