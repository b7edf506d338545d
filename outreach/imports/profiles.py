"""Profile columns of an import (Ressort, Medium, Ort/Region, Funktion): names to topics and regions, and what
an existing contact's profile lacks. Reads, never writes; outreach.imports.applying writes.

Topics and regions number in the dozens, so each is loaded once per file and
matched in Python, by name or slug in any language, without case. A new
contact's segment facets are computed here too, so it is inserted with them
and a beat or region segment finds it without a refresh afterwards.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from outreach import facets
from outreach.imports.lookups import InArray
from outreach.imports.mapping import JOURNALIST, PROTAGONIST
from outreach.models import JournalistProfile, ProtagonistProfile


@dataclass(slots=True)
class ProfilePlan:
    """What one row's profile should hold, as ids; missing_* is what an existing profile lacks.

    beat_ids, region_ids and facets are shared by the rows that name the same beats and regions: never
    change them in place. The others are set, per row, only for existing contacts."""

    beat_ids: tuple = ()
    region_ids: tuple = ()
    facets: list = field(default_factory=list)
    is_new: bool = True
    missing_beats: tuple | list = ()
    missing_regions: tuple | list = ()
    changed: tuple | list = ()  # scalar fields ("outlet", "function") an existing profile changes

    @property
    def has_changes(self) -> bool:
        return bool(self.is_new or self.changed or self.missing_beats or self.missing_regions)


def _names(queryset, title_field: str) -> dict[str, tuple[int, str]]:
    """name or slug (casefolded) -> (id of the default language's page or topic, translation key)."""
    from wagtail.models import Locale

    default_locale = Locale.get_default().pk
    rows = list(queryset.values_list("id", title_field, "slug", "translation_key", "locale_id"))
    default_of = {key: pk for pk, _title, _slug, key, locale_id in rows if locale_id == default_locale}
    names = {}
    # The default language first, so its names win when two languages spell a name alike.
    for pk, title, slug, key, locale_id in sorted(rows, key=lambda row: row[4] != default_locale):
        target = (default_of.get(key, pk), str(key))
        for name in (title, slug):
            names.setdefault(str(name).casefold(), target)
    return names


class ProfileResolver:
    def __init__(self, kind: str):
        from cms.models import RegionPage, Topic

        self.kind = kind
        self.profile_facet = facets.JOURNALIST if kind == JOURNALIST else facets.PROTAGONIST
        self.topics = _names(Topic.objects.all(), "name") if kind == JOURNALIST else {}
        self.regions = _names(RegionPage.objects.all(), "title")
        self.warned: set[tuple[str, str]] = set()
        self.facet_lists: dict[tuple, list] = {}  # rows share one list per set of facets: COPY adapts it once
        self.resolved: dict[tuple, tuple] = {}  # (beat names, region names) -> ids, facets and unknown names

    def resolve(self, row) -> ProfilePlan:
        key = (row.beats, row.regions)  # tuples shared by the rows with the same cells (RowMapper._names)
        if key not in self.resolved:
            self.resolved[key] = self._resolve(row.beats, row.regions)
        beat_ids, region_ids, facet_list, unknown = self.resolved[key]
        for code, name in unknown:
            self._warn_unknown(row, code, name)
        return ProfilePlan(beat_ids=beat_ids, region_ids=region_ids, facets=facet_list)

    def _resolve(self, beats: tuple, regions: tuple) -> tuple:
        found, unknown, resolved = {self.profile_facet}, [], []
        for names, lookup, to_facet, code in (
            (beats, self.topics, facets.beat_facet, "unknown_beat"),
            (regions, self.regions, facets.region_facet, "unknown_region"),
        ):
            ids = []
            for name in names:
                match = lookup.get(name.casefold())
                if match is None:
                    unknown.append((code, name))
                elif match[0] not in ids:
                    ids.append(match[0])
                    found.add(to_facet(match[1]))
            resolved.append(tuple(ids))
        key = tuple(sorted(found))
        return resolved[0], resolved[1], self.facet_lists.setdefault(key, list(key)), tuple(unknown)

    def _warn_unknown(self, row, code: str, name: str) -> None:
        if (code, name.casefold()) in self.warned:
            return
        self.warned.add((code, name.casefold()))
        message = (_("Beat %(name)r is not a topic here; left out.") if code == "unknown_beat"
                   else _("Region %(name)r is not a region here; left out."))
        row.warn(code, message % {"name": name})

    def diff(self, plans_and_ids: list) -> None:
        """For rows of existing contacts, as (row plan, contact id): mark on plan.profile what the stored
        profile lacks or holds differently."""
        ids = [contact_id for _plan, contact_id in plans_and_ids]
        if not ids:
            return
        if self.kind == JOURNALIST:
            stored = {pk: (outlet_id, role) for pk, outlet_id, role in JournalistProfile.objects.filter(
                InArray("contact_id", ids)).values_list("contact_id", "outlet_id", "role")}
            beats = _links(JournalistProfile.beats.through, "journalistprofile_id", "topic_id", ids)
            regions = _links(JournalistProfile.regions.through, "journalistprofile_id", "regionpage_id", ids)
        else:
            stored = {pk: (None, function) for pk, function in ProtagonistProfile.objects.filter(
                InArray("contact_id", ids)).values_list("contact_id", "function")}
            beats = {}
            regions = _links(ProtagonistProfile.regions.through, "protagonistprofile_id", "regionpage_id", ids)
        for plan, contact_id in plans_and_ids:
            profile = plan.profile
            profile.is_new = contact_id not in stored
            outlet_id, function = stored.get(contact_id, (None, ""))
            profile.changed = [name for name, differs in (
                ("outlet", plan.outlet_key and (plan.outlet_id is None or plan.outlet_id != outlet_id)),
                ("function", plan.row.function and plan.row.function != function)) if differs]
            profile.missing_beats = [pk for pk in profile.beat_ids if pk not in beats.get(contact_id, ())]
            profile.missing_regions = [pk for pk in profile.region_ids if pk not in regions.get(contact_id, ())]


def _links(through, owner: str, target: str, ids) -> dict[int, set]:
    links: dict[int, set] = {}
    for contact_id, target_id in through.objects.filter(InArray(owner, ids)).values_list(owner, target):
        links.setdefault(contact_id, set()).add(target_id)
    return links


__all__ = ["JOURNALIST", "PROTAGONIST", "ProfilePlan", "ProfileResolver"]
