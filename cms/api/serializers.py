"""Serializer fields for the headless API.

Linked regions, initiatives and topics are returned in the locale of the page
that links them: wagtail-localize copies many-to-many links unchanged into a
translation, so an English article may still point at the German region.
The translations are looked up once per request and model, which keeps the
number of queries of a listing independent of its length.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from wagtail.models import Page

from cms.api.visibility import page_visible
from cms.richtext import rich_text_to_api_html
from cms.services.translations import pages_translated_only


@extend_schema_field({"type": "string", "format": "html", "description": "Sanitised HTML"})
class RichTextAPIField(serializers.Field):
    """A RichTextField as sanitised HTML with resolved internal links."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return rich_text_to_api_html(value)


def _describe(item) -> dict:
    if isinstance(item, Page):
        return {"id": item.id, "title": item.title, "slug": item.slug}
    return {"id": item.id, "name": str(item), "slug": getattr(item, "slug", "")}


def _translations_in_locale(request, model, locale_id) -> dict:
    cache = getattr(request, "_dialogdesk_translations", None)
    if cache is None:
        cache = request._dialogdesk_translations = {}
    key = (model, locale_id)
    if key not in cache:
        queryset = model.objects.filter(locale_id=locale_id)
        if issubclass(model, Page):
            queryset = pages_translated_only(queryset.live()).only(
                "id", "title", "slug", "translation_key", "live", "locale_id", "path"
            )
        cache[key] = {item.translation_key: item for item in queryset}
    return cache[key]


def localize_items(items, *, locale_id, request) -> list[dict]:
    """Linked objects in the owner's locale; linked pages only when the request may see them."""
    described = []
    for item in items:
        if isinstance(item, Page) and not item.live:
            continue
        if item.locale_id != locale_id and request is not None:
            item = _translations_in_locale(request, type(item), locale_id).get(item.translation_key, item)
        if isinstance(item, Page) and not page_visible(item, request=request):
            continue
        described.append(_describe(item))
    return described


class LinkedItemSerializer(serializers.Serializer):
    """How a linked region, initiative (title) or topic (name) is shown; for the OpenAPI schema."""

    id = serializers.IntegerField()
    title = serializers.CharField(required=False, help_text="Pages (regions, initiatives)")
    name = serializers.CharField(required=False, help_text="Snippets (topics)")
    slug = serializers.CharField()


@extend_schema_field(LinkedItemSerializer(many=True))
class LocalizedRelationField(serializers.Field):
    """A many-to-many link to translatable objects, shown in the owner's locale."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance, getattr(instance, self.source)

    def to_representation(self, value):
        owner, manager = value
        return localize_items(manager.all(), locale_id=owner.locale_id, request=self.context.get("request"))


class RegionContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    organisation = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    phone = serializers.CharField()


class PartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    website = serializers.URLField(allow_blank=True)


class DialogueSerializer(serializers.Serializer):
    """An event held in a region; for the OpenAPI schema."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    kind = serializers.CharField()
    start_at = serializers.DateTimeField()
    place = serializers.CharField()


@extend_schema_field(DialogueSerializer(many=True))
class RegionDialoguesField(serializers.Field):
    """Events held in a region, in the region page's locale (detail view only)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, region):
        from cms.models import EventPage

        events = (
            pages_translated_only(EventPage.objects.live().public())
            .filter(locale_id=region.locale_id, regions__translation_key=region.translation_key)
            .order_by("start_at")
            .distinct()
        )
        return [
            {"id": e.id, "title": e.title, "slug": e.slug, "kind": e.kind,
             "start_at": serializers.DateTimeField().to_representation(e.start_at), "place": e.place}
            for e in events
        ]
