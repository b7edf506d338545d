"""Reads for the press admin: coverage per release, per outlet, per region."""

from collections import defaultdict

from django.db.models import Count, Q, Sum

from press.models import Clipping, PressReleasePage


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
