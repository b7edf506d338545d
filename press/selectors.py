"""Reads for the press admin: coverage per release, per outlet, per region; what came back per release."""

from collections import defaultdict
from dataclasses import dataclass, field, fields

from django.db.models import Count, Q, QuerySet, Sum

from outreach.mailable import ResponseTotals, recipient_responses, reference_for, response_totals
from press.models import Clipping, Distribution, PressReleasePage

RELEASE_LABEL = "press.pressreleasepage"


def coverage_by_release():
    """[{release_id, release__title, clippings, reach, positive, negative}], most covered first."""
    return list(
        Clipping.objects.filter(release__isnull=False).values("release_id", "release__title")
        .annotate(clippings=Count("id"), reach=Sum("reach"), positive=Count("id", filter=Q(tone="positive")),
                  negative=Count("id", filter=Q(tone="negative")))
        .order_by("-clippings", "release__title")
    )


def coverage_by_outlet():
    return list(
        Clipping.objects.exclude(outlet="").values("outlet")
        .annotate(clippings=Count("id"), reach=Sum("reach")).order_by("-clippings", "outlet")
    )


def coverage_by_region() -> list[dict]:
    """Clippings counted for each region of their release (a release of six regions counts in all six)."""
    through = PressReleasePage.regions.through
    per_release = Clipping.objects.filter(release__isnull=False).values("release_id").annotate(
        clippings=Count("id"), reach=Sum("reach"))
    counts = {row["release_id"]: row for row in per_release}
    regions = defaultdict(lambda: {"clippings": 0, "reach": 0})
    for release_id, title in through.objects.filter(pressreleasepage_id__in=list(counts)).values_list(
            "pressreleasepage_id", "regionpage__title"):
        regions[title]["clippings"] += counts[release_id]["clippings"]
        regions[title]["reach"] += counts[release_id]["reach"] or 0
    return sorted(({"region": title, **values} for title, values in regions.items()),
                  key=lambda row: (-row["clippings"], row["region"]))


def clippings_of_release(*, release):
    return Clipping.objects.filter(release=release).select_related("journalist")


# --- What came back of a release ------------------------------------------------------------------------

def release_follow_up_subject(release) -> str:
    """What a follow-up about the release is about: its reference, which is also its distributions' source,
    so that a reply to any of them closes it (outreach.services.inbound)."""
    return reference_for(RELEASE_LABEL, release.pk)


def totals_add(totals) -> ResponseTotals:
    return ResponseTotals(**{item.name: sum(getattr(total, item.name) for total in totals)
                             for item in fields(ResponseTotals)})


@dataclass(frozen=True)
class ReleaseResponses:
    release: PressReleasePage
    distributions: list[Distribution]
    distribution: Distribution | None  # the one chosen, or None for all of the release's distributions
    show: str
    totals: ResponseTotals
    responses: QuerySet  # lazy: the view paginates it, the export reads it whole
    clippings: list[Clipping] = field(default_factory=list)
    coverage_reach: int = 0

    @property
    def mailing_ids(self) -> list[int]:
        chosen = [self.distribution] if self.distribution else self.distributions
        return [item.mailing_id for item in chosen]


def release_responses(*, release, distribution_id: int | None = None, show: str = "") -> ReleaseResponses:
    """Who received the release's distributions and what came back from each, and its coverage.

    Three queries (distributions, totals, clippings) plus the ones of the page of responses the caller
    reads (count and rows), whatever the number of recipients. An unknown distribution_id means all.
    """
    distributions = list(Distribution.objects.filter(release=release).select_related("mailing", "officer")
                         .order_by("-created_at"))
    chosen = next((item for item in distributions if item.pk == distribution_id), None)
    mailing_ids = [item.mailing_id for item in ([chosen] if chosen else distributions)]
    totals = totals_add(response_totals(mailing_ids=mailing_ids).values()) if mailing_ids else ResponseTotals()
    clippings = list(clippings_of_release(release=release).order_by("-published_on", "-created_at"))
    return ReleaseResponses(
        release=release, distributions=distributions, distribution=chosen, show=show, totals=totals,
        responses=recipient_responses(mailing_ids=mailing_ids, show=show,
                                      follow_up_subject=release_follow_up_subject(release)),
        clippings=clippings, coverage_reach=sum(clipping.reach or 0 for clipping in clippings),
    )
