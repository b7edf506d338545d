"""OpenAPI (drf-spectacular) for the public API only.

Wagtail's own admin API is also built on DRF; it is internal and is left out.

Wagtail's viewsets build their serializers per request (from ?type= and
?fields=) and nest the meta fields under "meta" only when rendering, so
drf-spectacular cannot introspect them. `document_api` therefore describes
every endpoint of the router explicitly: its query parameters, and responses
built from the very serializers Wagtail uses, one per page type, with the
extensions below teaching drf-spectacular Wagtail's field classes.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import isolate_view_method
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers

PUBLIC_PREFIXES = ("/api/v2/",)


def only_public_api_paths(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIXES)]


def _query(name, type_, description, **kwargs):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


FIELDS = _query(
    "fields", str,
    "Comma-separated fields to add to the defaults; '-name' removes one, '*' selects all, "
    "'name(sub,fields)' picks fields of a related object. Example: date,summary,topics,image_rendition",
)
LISTING_PARAMETERS = [
    _query("limit", int, "Items per page (default 20, at most 100)."),
    _query("offset", int, "Number of items to skip."),
    FIELDS,
    _query("order", str, "Field to order by; '-title' for descending, 'random' for a random order."),
    _query("search", str, "Full-text search; results are ordered by relevance unless ?order= is given."),
    _query("search_operator", str, "How search terms combine.", enum=["and", "or"]),
]
PAGE_LISTING_PARAMETERS = LISTING_PARAMETERS + [
    _query("type", str, "Page type(s) as app_label.ModelName, comma-separated, e.g. cms.NewsArticlePage. "
                        "Fields of that type can then be requested with ?fields= and used as filters."),
    _query("locale", str, "Only pages in this language. An unknown code is a 400.", enum=["de", "en"]),
    _query("translation_of", int, "Only translations of the page with this id (combine with ?locale=)."),
    _query("child_of", str, "Only direct children of this page id, or 'root' for the site's home page."),
    _query("descendant_of", int, "Only pages below this page id."),
    _query("ancestor_of", int, "Only pages above this page id."),
    _query("site", str, "Pages of the site with this hostname (hostname:port), instead of the requesting host."),
    _query("region", str, "Only content filed under this region: id or slug, in any language."),
    _query("initiative", str, "Only content filed under this initiative: id or slug, in any language."),
    _query("topic", str, "Only content filed under this topic: id or slug, in any language."),
]
DETAIL_PARAMETERS = [OpenApiParameter("id", int, OpenApiParameter.PATH, description="Page, image or document id."), FIELDS]
FIND_PARAMETERS = [_query("id", int, "The object's id.")]
PAGE_FIND_PARAMETERS = FIND_PARAMETERS + [_query("html_path", str, "The page's path on the front end, e.g. /aktuelles/")]
PREVIEW_PARAMETERS = [
    _query("content_type", str, "Page type as app_label.modelname, e.g. cms.newsarticlepage.", required=True),
    _query("token", str, "Signed token from the preview link; it expires after PREVIEW_TOKEN_MAX_AGE.", required=True),
]


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField(help_text=_("What was wrong with the request."))


class ListingMetaSerializer(serializers.Serializer):
    total_count = serializers.IntegerField(help_text=_("Number of items matching the query, on all pages."))


LINK_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "meta": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "detail_url": {"type": "string", "format": "uri"},
                "html_url": {"type": "string", "format": "uri", "nullable": True},
            },
        },
        "title": {"type": "string"},
    },
    "required": ["id"],
}


def _string(format_=None, nullable=False, description=""):
    schema = {"type": "string"}
    if format_:
        schema["format"] = format_
    if nullable:
        schema["nullable"] = True
    if description:
        schema["description"] = description
    return schema


class _StaticFieldExtension(OpenApiSerializerFieldExtension):
    schema: dict

    def map_serializer_field(self, auto_schema, direction):
        return self.schema


class TypeFieldExtension(_StaticFieldExtension):
    target_class = "wagtail.api.v2.serializers.TypeField"
    schema = _string(description="app_label.ModelName")


class PageTypeFieldExtension(TypeFieldExtension):
    target_class = "wagtail.api.v2.serializers.PageTypeField"


class DetailUrlFieldExtension(_StaticFieldExtension):
    target_class = "wagtail.api.v2.serializers.DetailUrlField"
    schema = _string("uri")


class PageHtmlUrlFieldExtension(_StaticFieldExtension):
    target_class = "wagtail.api.v2.serializers.PageHtmlUrlField"
    schema = _string("uri", nullable=True)


class PageLocaleFieldExtension(_StaticFieldExtension):
    target_class = "wagtail.api.v2.serializers.PageLocaleField"
    schema = _string(description="Language code, e.g. de")


class PageParentFieldExtension(_StaticFieldExtension):
    target_class = "wagtail.api.v2.serializers.PageParentField"
    schema = {**LINK_SCHEMA, "nullable": True}


class PageAliasOfFieldExtension(PageParentFieldExtension):
    target_class = "wagtail.api.v2.serializers.PageAliasOfField"


class StreamFieldExtension(_StaticFieldExtension):
    target_class = "wagtail.api.v2.serializers.StreamField"
    schema = build_array_type({
        "type": "object",
        "properties": {"type": {"type": "string"}, "value": {}, "id": {"type": "string"}},
        "required": ["type", "value"],
    })


class TagsFieldExtension(_StaticFieldExtension):
    target_class = "wagtail.api.v2.serializers.TagsField"
    schema = build_array_type(build_basic_type(OpenApiTypes.STR))


class ImageRenditionFieldExtension(_StaticFieldExtension):
    target_class = "wagtail.images.api.fields.ImageRenditionField"
    match_subclasses = True  # media.api.PublicImageRenditionField
    schema = {
        "type": "object",
        "nullable": True,
        "properties": {
            "url": _string(),
            "full_url": _string("uri"),
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            "alt": _string(),
        },
    }


class ImageDownloadUrlFieldExtension(_StaticFieldExtension):
    target_class = "wagtail.images.api.v2.serializers.ImageDownloadUrlField"
    match_subclasses = True  # media.api.RenditionDownloadUrlField
    schema = _string()


class DocumentDownloadUrlFieldExtension(_StaticFieldExtension):
    target_class = "wagtail.documents.api.v2.serializers.DocumentDownloadUrlField"
    schema = _string("uri")


class RelatedFieldExtension(OpenApiSerializerFieldExtension):
    """A foreign key (image, document...) nested with the related endpoint's default fields."""

    target_class = "wagtail.api.v2.serializers.RelatedField"

    def map_serializer_field(self, auto_schema, direction):
        # Inlined, not a component: Wagtail builds a new nested class per owner model.
        schema = auto_schema._map_serializer(self.target.serializer_class(), direction)
        return {**schema, "nullable": True}


class ChildRelationFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "wagtail.api.v2.serializers.ChildRelationField"

    def map_serializer_field(self, auto_schema, direction):
        return build_array_type(auto_schema._map_serializer(self.target.serializer_class(), direction))


class WagtailSerializerExtension(OpenApiSerializerExtension):
    """Wagtail's serializers render their meta fields nested under "meta"."""

    target_class = "wagtail.api.v2.serializers.BaseSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        serializer = self.target
        schema = auto_schema._map_basic_serializer(serializer, direction)
        meta_names = set(getattr(serializer, "meta_fields", ()))
        properties = schema["properties"]
        model = serializer.Meta.model
        for name, field in serializer.fields.items():
            if isinstance(field, serializers.ChoiceField) and name in properties:
                properties[name] = self._enum_component(auto_schema, model, name, properties[name])
        meta = {name: properties.pop(name) for name in list(properties) if name in meta_names}
        ordered = {"id": properties.pop("id")} if "id" in properties else {}
        if meta:
            ordered["meta"] = {"type": "object", "properties": meta}
        schema["properties"] = {**ordered, **properties}
        schema["required"] = [name for name in schema.get("required", []) if name not in meta_names]
        if not schema["required"]:
            del schema["required"]
        return schema

    @staticmethod
    def _enum_component(auto_schema, model, field_name, field_schema):
        # Named per model: "kind" of an event and "kind" of a study are different enums,
        # which drf-spectacular's own enum naming would report as a collision.
        name = f"{model.__name__}{field_name.title().replace('_', '')}Enum"
        schema = {key: value for key, value in field_schema.items() if key in ("type", "enum", "description")}
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=f"{model._meta.label}.{field_name}", schema=schema,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def _renamed(serializer_class, name):
    return type(f"{name}Serializer", (serializer_class,), {"__module__": __name__})


def _listing(name, item_serializer):
    return type(f"{name}ListingSerializer", (serializers.Serializer,), {
        "__module__": __name__,
        "meta": ListingMetaSerializer(),
        "items": item_serializer(many=True),
    })


def _endpoint_responses(router, name, endpoint):
    from wagtail.models import Page, get_page_models

    model = endpoint.model
    listing_item = _renamed(endpoint._get_serializer_class(router, model, []), f"{model.__name__}ListingItem")
    if issubclass(model, Page):
        details = [
            _renamed(
                endpoint._get_serializer_class(router, page_model, [], show_details=True), f"{page_model.__name__}Detail"
            )
            for page_model in get_page_models()
            if page_model is not Page
        ]
        detail = PolymorphicProxySerializer(
            component_name="PageDetail", serializers=details, resource_type_field_name=None,
        )
    else:
        detail = _renamed(endpoint._get_serializer_class(router, model, [], show_details=True), f"{model.__name__}Detail")
    errors = {
        400: OpenApiResponse(ErrorSerializer, description="Invalid query parameters."),
        404: OpenApiResponse(ErrorSerializer, description="Not found (or not published, or private)."),
    }
    return {
        "listing": {200: _listing(model.__name__, listing_item), **errors},
        "detail": {200: detail, **errors},
        "find": {302: OpenApiResponse(description="Redirect to the detail URL."), **errors},
    }


def _describe(endpoint, method_name, **kwargs) -> None:
    # Wagtail's actions (listing_view...) are not DRF @actions, so extend_schema_view
    # does not see them; isolate_view_method is what it uses internally to keep an
    # inherited method's annotation from leaking into the parent class.
    extend_schema(**kwargs)(isolate_view_method(endpoint, method_name))


def document_api(router) -> None:
    """Attach OpenAPI descriptions to every endpoint registered on the router."""
    page_parameters = {"listing": PAGE_LISTING_PARAMETERS, "detail": DETAIL_PARAMETERS, "find": PAGE_FIND_PARAMETERS}
    other_parameters = {"listing": LISTING_PARAMETERS, "detail": DETAIL_PARAMETERS, "find": FIND_PARAMETERS}
    # WagtailAPIRouter keeps its endpoints in a private dict; there is no public accessor.
    for name, endpoint in router._endpoints.items():
        responses = _endpoint_responses(router, name, endpoint)
        if name == "page_preview":
            _describe(
                endpoint, "listing_view", operation_id="page_preview_retrieve", tags=[name],
                summary="Draft content of a page, for the front end's preview (never cached)",
                parameters=PREVIEW_PARAMETERS, responses=responses["detail"],
            )
            continue
        parameters = page_parameters if name == "pages" else other_parameters
        _describe(
            endpoint, "listing_view", operation_id=f"{name}_list", summary=f"List {name}", tags=[name],
            parameters=parameters["listing"], responses=responses["listing"],
        )
        _describe(
            endpoint, "detail_view", operation_id=f"{name}_retrieve", summary=f"One of the {name}, with all its fields",
            tags=[name], parameters=parameters["detail"], responses=responses["detail"],
        )
        _describe(
            endpoint, "find_view", operation_id=f"{name}_find", summary=f"Redirect to one of the {name}", tags=[name],
            parameters=parameters["find"], responses=responses["find"],
        )
