"""Who may see an image: Wagtail's collection view restrictions, applied to images too.

Wagtail checks a collection's view restrictions when it serves a document and
when the API lists images, but serves image files (originals and renditions)
without any check. These functions apply the same rule to renditions, so an
image in a login-restricted collection stays as private as a document there.
They also apply holds (media_held): files another app keeps from the public for
a time, such as the images and documents of a press release under embargo.
"""

from collections.abc import Callable
from dataclasses import dataclass

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
    """Whether this request passes the view restrictions of the image's collection, and nothing holds the image."""
    return (image.collection_id not in collection_ids_restricted_for(request=request)
            and image.pk not in media_held(request=request).image_ids)


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


# Held media: files that must not reach the public yet although their collection is open, e.g. the
# images of a press release under embargo. Apps register a resolver (press does, in its AppConfig);
# media itself knows nothing of releases (DESIGN.md: media imports only Wagtail and Django).
@dataclass(frozen=True)
class HeldMedia:
    image_ids: frozenset[int] = frozenset()
    document_ids: frozenset[int] = frozenset()


_hold_resolvers: list[Callable[[], HeldMedia]] = []
_HELD_ATTRIBUTE = "_media_held"
# Set on a request by a view that serves the press office (the signed preview): nothing is held for it.
HOLDS_LIFTED_ATTRIBUTE = "_media_holds_lifted"


def register_media_hold(resolver: Callable[[], HeldMedia]) -> None:
    """resolver() names the images and documents held from the public right now. Registering twice adds nothing."""
    if resolver not in _hold_resolvers:
        _hold_resolvers.append(resolver)


def media_held(*, request: HttpRequest | None) -> HeldMedia:
    """What every registered resolver holds; read once per request (none for a request whose holds are lifted)."""
    if request is not None and getattr(request, HOLDS_LIFTED_ATTRIBUTE, False):
        return HeldMedia()
    cached = getattr(request, _HELD_ATTRIBUTE, None) if request is not None else None
    if cached is None:
        images: set[int] = set()
        documents: set[int] = set()
        for resolver in _hold_resolvers:
            held = resolver()
            images.update(held.image_ids)
            documents.update(held.document_ids)
        cached = HeldMedia(image_ids=frozenset(images), document_ids=frozenset(documents))
        if request is not None:
            setattr(request, _HELD_ATTRIBUTE, cached)
    return cached


def document_visible_publicly(*, document, request: HttpRequest | None) -> bool:
    """Whether this request may see a document: its collection's restrictions pass and nothing holds it."""
    return (document.collection_id not in collection_ids_restricted_for(request=request)
            and document.pk not in media_held(request=request).document_ids)


def document_visible_to(*, document, request: HttpRequest) -> bool:
    """document_visible_publicly, or the user may use the document in the admin (the press office)."""
    if document.pk not in media_held(request=request).document_ids:
        return True
    from wagtail.documents.permissions import permission_policy

    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated) and permission_policy.user_has_any_permission_for_instance(
        user, ["change", "choose"], document
    )
