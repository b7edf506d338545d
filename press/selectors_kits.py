"""Reads of press kits: the kit a release offers, and whether a request may have it."""

from press.models import PressKit


def press_kit_current(*, release_id: int) -> PressKit | None:
    """The release's kit: its newest row, whatever its state (BUILDING after a change means no kit to offer)."""
    return PressKit.objects.filter(release_id=release_id).order_by("-created_at", "-id").first()


def press_kit_offered(*, release_id: int) -> PressKit | None:
    """The kit to hand out: the current one once it is READY, else None."""
    kit = press_kit_current(release_id=release_id)
    return kit if kit is not None and kit.status == PressKit.Status.READY and kit.file else None


def press_kit_downloadable(*, release, user=None) -> PressKit | None:
    """The kit a request may download: the release is live (so past its embargo) and public (no view
    restriction), or the user may edit the release (the press office checking a kit before the embargo)."""
    from wagtail.models import PageViewRestriction

    is_public = release.live and not PageViewRestriction.objects.filter(
        page__in=release.get_ancestors(inclusive=True)).exists()
    may_edit = bool(user is not None and user.is_authenticated and release.permissions_for_user(user).can_edit())
    if not (is_public or may_edit):
        return None
    return press_kit_offered(release_id=release.pk)
