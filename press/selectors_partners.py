"""What initiatives getting PR support see of the releases sent for them: figures, never a person.

A partner is a member of an initiative's partner group (cms.services.roles), which holds page rights on
the initiative's pages. Releases count as "for" an initiative when they name any of its translations.
Only live releases: before the embargo a partner is outside the press office and sees nothing of it.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Sum
from wagtail.models import GroupPagePermission

from cms.models import InitiativePage
from outreach.mailable import ResponseTotals, response_totals
from press.models import Clipping, Distribution, PressReleasePage
from press.selectors import totals_add


@dataclass(frozen=True)
class ReleaseFigures:
    release_id: int
    title: str
    release_date: date
    initiatives: list[str]
    recipients: int
    opened: int
    replied: int
    clippings: int
    reach: int


def partner_initiative_keys(*, user) -> set:
    """Translation keys of the initiatives whose pages the user may edit through a group (partner groups)."""
    if not user.is_active:
        return set()
    page_ids = GroupPagePermission.objects.filter(group__user=user).values("page_id")
    return set(InitiativePage.objects.filter(pk__in=page_ids).values_list("translation_key", flat=True))


def partner_release_figures(*, initiative_keys) -> list[ReleaseFigures]:
    """Live releases of these initiatives that were distributed, newest first, each with its aggregate figures:
    recipients, people who opened, people who replied, clippings and their reach. Five queries, whatever the
    number of releases and recipients; nothing in the result names or addresses a recipient."""
    if not initiative_keys:
        return []
    initiatives = {page.pk: page for page in InitiativePage.objects.filter(translation_key__in=initiative_keys)}
    through = PressReleasePage.initiatives.through
    links = list(through.objects.filter(initiativepage_id__in=list(initiatives))
                 .values_list("pressreleasepage_id", "initiativepage_id"))
    distributions = list(
        Distribution.objects.filter(release_id__in={release_id for release_id, _ in links}, release__live=True,
                                    mailing__started_at__isnull=False)
        .select_related("release").order_by("-release__release_date", "release_id")
    )
    totals = response_totals(mailing_ids=[item.mailing_id for item in distributions]) if distributions else {}
    coverage = {row["release_id"]: row for row in Clipping.objects.filter(
        release_id__in={item.release_id for item in distributions}).values("release_id")
        .annotate(clippings=Count("id"), reach=Sum("reach"))}
    releases, mailings = {}, {}
    for item in distributions:
        releases[item.release_id] = item.release
        mailings.setdefault(item.release_id, []).append(totals.get(item.mailing_id, ResponseTotals()))
    names = {}
    for release_id, initiative_id in links:
        names.setdefault(release_id, []).append(initiatives[initiative_id].title)
    figures = []
    for release_id, release in releases.items():
        summed = totals_add(mailings[release_id])
        found = coverage.get(release_id, {})
        figures.append(ReleaseFigures(
            release_id=release_id, title=release.title, release_date=release.release_date,
            initiatives=sorted(set(names.get(release_id, []))), recipients=summed.recipients, opened=summed.opened,
            replied=summed.replied, clippings=found.get("clippings", 0), reach=found.get("reach") or 0,
        ))
    return figures
