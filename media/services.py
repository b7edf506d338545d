"""Who may see an image: Wagtail's collection view restrictions, applied to images too.

Wagtail checks a collection's view restrictions when it serves a document and
when the API lists images, but serves image files (originals and renditions)
without any check. These functions apply the same rule to renditions, so an
image in a login-restricted collection stays as private as a document there.
"""

from django.http import HttpRequest
from wagtail.api.v2.utils import get_restricted_collection_ids
from wagtail.models import Collection, CollectionViewRestriction

_CACHE_ATTRIBUTE = "_media_restricted_collection_ids"


def collection_ids_restricted_for(*, request: HttpRequest | None) -> set[int]:
    """Collections whose files this request may not see, as the API decides; once per request.

    Without a request (a webhook payload, a shell) every restricted collection counts.
    """
    if request is None:
        roots = CollectionViewRestriction.objects.values_list("collection__path", flat=True)
        ids: set[int] = set()
        for path in set(roots):
            ids.update(Collection.objects.filter(path__startswith=path).values_list("id", flat=True))
        return ids
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is None:
        # The same rule the documents view and the images API apply (accept_request per restriction).
        cached = get_restricted_collection_ids(request)
        setattr(request, _CACHE_ATTRIBUTE, cached)
    return cached


def image_visible_publicly(*, image, request: HttpRequest | None) -> bool:
    """Whether this request passes the view restrictions of the image's collection."""
    return image.collection_id not in collection_ids_restricted_for(request=request)


def image_visible_to(*, image, request: HttpRequest) -> bool:
    """Whether a rendition may be served: the restrictions pass, or the user may use the image in the admin.

    Editors have never entered a collection's shared password; without the
    second rule the admin would show them broken thumbnails.
    """
    if image_visible_publicly(image=image, request=request):
        return True
    # Imported here: the policy loads the image model, which imports this module.
    from wagtail.images.permissions import permission_policy

    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated) and permission_policy.user_has_any_permission_for_instance(
        user, ["change", "choose"], image
    )
