"""Segment rules: a small, validated language of conditions turned into one queryset.

Many-valued conditions (beats, regions, lists, tags) become EXISTS subqueries
rather than joins, so a contact is never counted twice and a segment's size is
one COUNT query however many conditions it has.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.models import (
    Contact,
    JournalistProfile,
    Language,
    ListMembership,
    OrganisationKind,
    ProtagonistProfile,
    SuppressionEntry,
)

LIST_OPS = ("in", "not_in")


def _topic_ids(slugs):
    """Every translation of the named topics: a German and an English beat are one beat."""
    from cms.models import Topic

    return Topic.objects.filter(translation_key__in=Topic.objects.filter(slug__in=slugs).values("translation_key")).values("id")


def _region_ids(values):
    from cms.models import RegionPage

    ids = [int(v) for v in values if str(v).isdigit()]
    slugs = [v for v in values if not str(v).isdigit()]
    named = RegionPage.objects.filter(Q(id__in=ids) | Q(slug__in=slugs)).values("translation_key")
    return RegionPage.objects.filter(translation_key__in=named).values("id")


# Conditions are "contact id IN (uncorrelated subquery)": PostgreSQL runs each
# subquery once and probes a hash per contact, where a correlated EXISTS
# combined with OR would run once per contact (seconds on a million contacts).
def _journalists(**conditions) -> Q:
    return Q(pk__in=JournalistProfile.objects.filter(**conditions).values("contact_id"))


def _protagonists(**conditions) -> Q:
    return Q(pk__in=ProtagonistProfile.objects.filter(**conditions).values("contact_id"))


def _with_beats(slugs) -> Q:
    # A profile's primary key is its contact's, so the link table names the contact.
    through = JournalistProfile.beats.through
    return Q(pk__in=through.objects.filter(topic_id__in=_topic_ids(slugs)).values("journalistprofile_id"))


def _in_regions(values) -> Q:
    journalists = JournalistProfile.regions.through.objects.filter(regionpage_id__in=_region_ids(values))
    protagonists = ProtagonistProfile.regions.through.objects.filter(regionpage_id__in=_region_ids(values))
    # One UNION subquery rather than two ORed ones: PostgreSQL can then join
    # it (a hash semi-join, built once) instead of filtering row by row.
    return Q(pk__in=journalists.values("journalistprofile_id").union(protagonists.values("protagonistprofile_id")))


def _tagged(names) -> Q:
    from taggit.models import TaggedItem

    return Q(pk__in=TaggedItem.objects.filter(
        content_type__app_label="outreach", content_type__model="contact", tag__name__in=names,
    ).values("object_id"))


def resolve_keys(field: str, values) -> list[str]:
    """The translation keys a beat or region condition names (slugs or ids, any locale)."""
    if field == "beat":
        from cms.models import Topic

        return sorted({str(k) for k in Topic.objects.filter(slug__in=values).values_list("translation_key", flat=True)})
    from cms.models import RegionPage

    ids = [int(v) for v in values if str(v).isdigit()]
    slugs = [v for v in values if not str(v).isdigit()]
    keys = RegionPage.objects.filter(Q(id__in=ids) | Q(slug__in=slugs)).values_list("translation_key", flat=True)
    return sorted({str(k) for k in keys})


def _any_facet(facets) -> Q:
    query = Q(pk__in=[])
    for facet in facets:
        query |= Q(segment_facets__contains=[facet])
    return query


def _facet_condition(condition: dict) -> Q | None:
    """The condition read from the contact's facet column, where that column is indexed (PostgreSQL)."""
    from outreach import facets

    field = condition["field"]
    if not facets.uses_facet_index() or field not in ("profile", "beat", "region"):
        return None
    if field == "profile":
        kinds = {"journalist": facets.JOURNALIST, "protagonist": facets.PROTAGONIST}
        return _any_facet(kinds[value] for value in condition["value"])
    keys = condition.get("keys") or resolve_keys(field, condition["value"])
    to_facet = facets.beat_facet if field == "beat" else facets.region_facet
    return _any_facet(to_facet(key) for key in keys)


@dataclass(frozen=True)
class SegmentField:
    label: str
    ops: tuple
    build: Callable[[list], Q]
    choices: tuple = ()


def _not_contacted_within(days) -> Q:
    cutoff = timezone.now() - timedelta(days=int(days))
    return Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=cutoff)


FIELDS: dict[str, SegmentField] = {
    "profile": SegmentField(
        _("Profile"), LIST_OPS,
        lambda values: (
            (_journalists() if "journalist" in values else Q(pk__in=[]))
            | (_protagonists() if "protagonist" in values else Q(pk__in=[]))
        ),
        choices=(("journalist", _("Journalist")), ("protagonist", _("Protagonist"))),
    ),
    "beat": SegmentField(_("Beat (topic)"), LIST_OPS, _with_beats),
    "region": SegmentField(_("Region"), LIST_OPS, _in_regions),
    "media_type": SegmentField(
        _("Media type"), LIST_OPS, lambda v: _journalists(media_type__in=v),
        choices=tuple(JournalistProfile.MediaType.choices),
    ),
    "outlet": SegmentField(_("Outlet"), LIST_OPS, lambda v: _journalists(outlet_id__in=v)),
    "organisation": SegmentField(_("Organisation"), LIST_OPS, lambda v: Q(organisation_id__in=v)),
    "organisation_kind": SegmentField(
        _("Kind of organisation"), LIST_OPS, lambda v: Q(organisation__kind__in=v),
        choices=tuple(OrganisationKind.choices),
    ),
    "language": SegmentField(_("Language"), LIST_OPS, lambda v: Q(language__in=v), choices=tuple(Language.choices)),
    "tag": SegmentField(_("Tag"), LIST_OPS, _tagged),
    "list": SegmentField(
        _("List"), LIST_OPS,
        lambda v: Q(pk__in=ListMembership.objects.filter(contact_list_id__in=v).values("contact_id")),
    ),
    "bounce_state": SegmentField(
        _("Bounce state"), LIST_OPS, lambda v: Q(bounce_state__in=v), choices=tuple(Contact.BounceState.choices)
    ),
    "legal_basis": SegmentField(
        _("Legal basis"), LIST_OPS, lambda v: Q(legal_basis__in=v), choices=tuple(Contact.LegalBasis.choices)
    ),
    "not_contacted_within_days": SegmentField(_("Not contacted within (days)"), ("is",), lambda v: _not_contacted_within(v[0])),
}


def validate_rules(rules: dict) -> None:
    """Raise ValidationError with a message a person understands if the rules cannot be evaluated."""
    if not isinstance(rules, dict):
        raise ValidationError(_("Rules must be an object with 'match' and 'conditions'."))
    if rules.get("match", "all") not in ("all", "any"):
        raise ValidationError(_("'match' must be 'all' or 'any'."))
    conditions = rules.get("conditions", [])
    if not isinstance(conditions, list) or not conditions:
        raise ValidationError(_("A segment needs at least one condition."))
    for number, condition in enumerate(conditions, start=1):
        field = FIELDS.get(condition.get("field")) if isinstance(condition, dict) else None
        if field is None:
            raise ValidationError(
                _("Condition %(number)s: unknown field %(field)r.")
                % {"number": number, "field": condition.get("field") if isinstance(condition, dict) else condition}
            )
        if condition.get("op", field.ops[0]) not in field.ops:
            raise ValidationError(_("Condition %(number)s: operator must be one of %(ops)s.")
                                  % {"number": number, "ops": ", ".join(field.ops)})
        values = condition.get("value")
        if not isinstance(values, list) or not values:
            raise ValidationError(_("Condition %(number)s: give at least one value.") % {"number": number})
        if field.choices:
            allowed = {str(key) for key, _label in field.choices}
            unknown = [v for v in values if str(v) not in allowed]
            if unknown:
                raise ValidationError(_("Condition %(number)s: unknown value %(value)r.")
                                      % {"number": number, "value": unknown[0]})
        if condition["field"] in ("outlet", "organisation", "list") and not all(str(v).isdigit() for v in values):
            raise ValidationError(_("Condition %(number)s: choose existing entries (ids).") % {"number": number})
        if condition["field"] == "not_contacted_within_days" and not str(values[0]).isdigit():
            raise ValidationError(_("Condition %(number)s: the number of days must be a whole number.")
                                  % {"number": number})


def rules_to_q(rules: dict) -> Q:
    validate_rules(rules)
    combined = Q()
    for condition in rules["conditions"]:
        field = FIELDS[condition["field"]]
        q = _facet_condition(condition)
        if q is None:
            q = field.build(condition["value"])
        if condition.get("op") == "not_in":
            q = ~q
        combined = (combined & q) if rules.get("match", "all") == "all" else (combined | q)
    return combined


def not_suppressed() -> Q:
    return ~Q(Exists(SuppressionEntry.objects.filter(email_hash=OuterRef("email_hash"))))


def contacts_matching(rules: dict, *, include_suppressed: bool = False) -> QuerySet:
    queryset = Contact.objects.filter(rules_to_q(rules))
    return queryset if include_suppressed else queryset.filter(not_suppressed())
