"""Filters of the outreach listings. Contact filters reuse the segment rule builders,
so a filter in the listing and a segment condition always mean the same thing."""

from datetime import timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from outreach.models import (
    ActivityEvent,
    Contact,
    ContactImport,
    ContactList,
    Language,
    Organisation,
    OrganisationKind,
)
from outreach.segments import FIELDS, not_suppressed


def _topics(request):
    from cms.models import Topic
    from wagtail.models import Locale

    return Topic.objects.filter(locale=Locale.get_default()).order_by("name")


def _regions(request):
    from cms.models import RegionPage
    from wagtail.models import Locale

    return RegionPage.objects.filter(locale=Locale.get_default()).order_by("title")


def _outlets(request):
    return Organisation.objects.filter(kind=OrganisationKind.OUTLET)


def _tags(request):
    from taggit.models import Tag

    return Tag.objects.filter(
        taggit_taggeditem_items__content_type__app_label="outreach",
        taggit_taggeditem_items__content_type__model="contact",
    ).distinct().order_by("name")


def _rule(field: str):
    """A filter method that applies one segment condition with the chosen values."""

    def apply(queryset, name, value):
        if not value:
            return queryset
        values = value if isinstance(value, (list, tuple)) else [value]
        return queryset.filter(FIELDS[field].build(values))

    return apply


class LastContacted:
    NEVER = "never"
    CHOICES = (
        ("never", _("Never")),
        ("within-14", _("In the last 14 days")),
        ("within-30", _("In the last 30 days")),
        ("not-within-14", _("Not in the last 14 days")),
        ("not-within-30", _("Not in the last 30 days")),
        ("not-within-90", _("Not in the last 90 days")),
    )

    @staticmethod
    def apply(queryset, name, value):
        if not value:
            return queryset
        if value == LastContacted.NEVER:
            return queryset.filter(last_contacted_at__isnull=True)
        kind, days = value.rsplit("-", 1)
        if kind == "within":
            return queryset.filter(last_contacted_at__gte=timezone.now() - timedelta(days=int(days)))
        return queryset.filter(FIELDS["not_contacted_within_days"].build([days]))


class ContactFilterSet(WagtailFilterSet):
    profile = django_filters.ChoiceFilter(
        label=_("Kind"), choices=FIELDS["profile"].choices, method=_rule("profile"), empty_label=_("Any")
    )
    organisation_kind = django_filters.ChoiceFilter(
        label=_("Kind of organisation"), choices=OrganisationKind.choices, method=_rule("organisation_kind"),
        empty_label=_("Any"),
    )
    beat = django_filters.ModelMultipleChoiceFilter(
        label=_("Beat"), queryset=_topics, to_field_name="slug",
        method=lambda qs, name, value: _rule("beat")(qs, name, [topic.slug for topic in value]),
    )
    region = django_filters.ModelMultipleChoiceFilter(
        label=_("Region"), queryset=_regions,
        method=lambda qs, name, value: _rule("region")(qs, name, [str(region.pk) for region in value]),
    )
    language = django_filters.ChoiceFilter(label=_("Language"), choices=Language.choices, empty_label=_("Any"))
    outlet = django_filters.ModelChoiceFilter(
        label=_("Outlet"), queryset=_outlets, method=lambda qs, name, value: _rule("outlet")(qs, name, [value.pk]),
    )
    tag = django_filters.ModelMultipleChoiceFilter(
        label=_("Tag"), queryset=_tags, to_field_name="name",
        method=lambda qs, name, value: _rule("tag")(qs, name, [tag.name for tag in value]),
    )
    list = django_filters.ModelChoiceFilter(
        label=_("List"), queryset=lambda request: ContactList.objects.order_by("name"),
        method=lambda qs, name, value: _rule("list")(qs, name, [value.pk]),
    )
    last_contacted = django_filters.ChoiceFilter(
        label=_("Last contacted"), choices=LastContacted.CHOICES, method=LastContacted.apply, empty_label=_("Any"),
    )
    bounce_state = django_filters.ChoiceFilter(
        label=_("Bounce state"), choices=Contact.BounceState.choices, empty_label=_("Any")
    )
    contact_import = django_filters.ModelChoiceFilter(
        label=_("Import"), queryset=lambda request: ContactImport.objects.order_by("-created_at"),
        method=lambda qs, name, value: qs.filter(pk__in=ActivityEvent.objects.filter(
            kind=ActivityEvent.Kind.IMPORTED, subject=f"outreach.contactimport:{value.pk}").values("contact_id")),
    )
    is_suppressed = django_filters.BooleanFilter(
        label=_("On the suppression list"), widget=BooleanRadioSelect,
        method=lambda qs, name, value: qs if value is None else qs.filter(~not_suppressed() if value else not_suppressed()),
    )

    class Meta:
        model = Contact
        fields = ["profile", "organisation_kind", "beat", "region", "language", "outlet", "tag", "list", "last_contacted",
                  "bounce_state", "contact_import", "is_suppressed"]


class OrganisationFilterSet(WagtailFilterSet):
    class Meta:
        model = Organisation
        fields = ["kind", "city"]
