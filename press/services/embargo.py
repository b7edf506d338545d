"""The embargo, apart from what Wagtail's scheduled publishing already does.

A release under embargo is not live (go_live_at = embargo_until), so every
public page query leaves it out. What is not a page query is handled here:

- media_held_by_embargo: images and documents that only releases under
  embargo use, registered with media as a hold, so renditions, the documents
  view and the images/documents API do not hand them out before time;
- embargo_break_log: breaking an embargo by hand is recorded in Wagtail's
  log, with the embargo that was broken.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Page, ReferenceIndex, Revision

from media.services import HeldMedia

EMBARGO_BREAK_ACTION = "press.embargo_broken"


def releases_under_embargo():
    """Releases with an embargo that are not live yet.

    Not "embargo ahead": between the embargo time and the next run of
    publish_scheduled (up to a minute) the release is still not public, and neither are its files.
    """
    from press.models import PressReleasePage

    return PressReleasePage.objects.filter(live=False, embargo_until__isnull=False)


def media_held_by_embargo() -> HeldMedia:
    """Images and documents used by a release under embargo and by nothing public.

    The release's own references are read from the page itself (its row holds
    the latest content while it is not live), because the reference index is
    updated after the commit; whether anything else uses a file is read from
    the reference index: a live page or any other object (a snippet, a
    setting) counts as public use, a draft page does not.
    """
    releases = list(releases_under_embargo())
    if not releases:
        return HeldMedia()
    image_type = ContentType.objects.get_for_model(get_image_model())
    document_type = ContentType.objects.get_for_model(get_document_model())
    wanted = {image_type.id: set(), document_type.id: set()}
    for release in releases:
        # Wagtail's own reference extraction (StreamField blocks, child relations, foreign keys).
        for content_type_id, object_id, _model_path, _content_path in ReferenceIndex._extract_references_from_object(
            release
        ):
            if content_type_id in wanted:
                wanted[content_type_id].add(str(object_id))
    release_ids = {str(release.pk) for release in releases}
    page_type = ContentType.objects.get_for_model(Page)
    for content_type_id, ids in wanted.items():
        if not ids:
            continue
        used_elsewhere = ReferenceIndex.objects.filter(to_content_type_id=content_type_id, to_object_id__in=ids).exclude(
            base_content_type=page_type, object_id__in=release_ids
        )
        other_pages = list(used_elsewhere.filter(base_content_type=page_type).values_list("object_id", "to_object_id"))
        live_pages = {
            str(pk) for pk in Page.objects.filter(pk__in=[int(pk) for pk, _to in other_pages], live=True)
            .values_list("pk", flat=True)
        }
        public = {to for page_id, to in other_pages if page_id in live_pages}
        public |= set(used_elsewhere.exclude(base_content_type=page_type).values_list("to_object_id", flat=True))
        ids -= public
    return HeldMedia(
        image_ids=frozenset(int(pk) for pk in wanted[image_type.id]),
        document_ids=frozenset(int(pk) for pk in wanted[document_type.id]),
    )


def release_scheduled_embargo(*, release) -> datetime.datetime | None:
    """When the release is due to go live, if it is not live and a revision is scheduled for a time ahead."""
    if release.pk is None or release.live:
        return None
    return (
        Revision.page_revisions.filter(object_id=str(release.pk), approved_go_live_at__gt=timezone.now())
        .order_by("-approved_go_live_at")
        .values_list("approved_go_live_at", flat=True)
        .first()
    )


def embargo_break_log(*, release, user, previous: datetime.datetime, new: datetime.datetime | None) -> None:
    """Record in the page's history that someone published before the embargo that was scheduled."""
    log(
        instance=release, action=EMBARGO_BREAK_ACTION, user=user,
        data={"previous_embargo": previous.isoformat(), "new_embargo": new.isoformat() if new else None},
    )
