"""Serves image renditions on the local media backend; nothing else under MEDIA_URL.

Written by hand because Wagtail's own image serve view (wagtail.images.views.serve)
does not fit: it answers signed /images/<signature>/... URLs, not the rendition URLs
under MEDIA_URL that the API and the admin hand out; it does not check collection
view restrictions; and it serves whatever type the file has, SVG included. Here a
rendition is found by its stored file name (so original_images/, documents/ and
any path trick simply match no row), served only with an image type from a short
list, and refused like a missing file when its image is private for this request.
"""

import os

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model

from media.services import image_visible_publicly, image_visible_to

RENDITION_FOLDER = "images/"
# Never text/html, never SVG (script inside an image), whatever the file's name or content.
RENDITION_CONTENT_TYPES = {
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
PUBLIC_MAX_AGE = 3600


@require_safe
def rendition_serve(request, path: str):
    content_type = RENDITION_CONTENT_TYPES.get(os.path.splitext(path)[1].lower())
    if content_type is None:
        raise Http404
    rendition_model = get_image_model().get_rendition_model()
    rendition = (
        rendition_model.objects.select_related("image").filter(file=RENDITION_FOLDER + path).first()
    )
    # Private renditions answer like missing ones, so their names do not leak either.
    if rendition is None or not image_visible_to(image=rendition.image, request=request):
        raise Http404
    try:
        file = rendition.file.open("rb")
    except FileNotFoundError as e:
        raise Http404 from e
    response = FileResponse(file, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if image_visible_publicly(image=rendition.image, request=None):
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
