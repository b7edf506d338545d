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

from cms.api import params
from cms.api.schema_feeds import NON_DRF_PATHS

PUBLIC_PREFIXES = ("/api/v2/", "/api/schema/", "/api/newsletters/")


def only_public_api_paths(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIXES)]


def _query(name, type_, description, **kwargs):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


def _integer(minimum, maximum):
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


def _text(name):
    """A string parameter with the pattern and length that cms.api.params enforces."""
    pattern, max_length = params.PATTERNS[name]
    return {"type": "string", "pattern": pattern, "maxLength": max_length}


ID = _integer(1, params.ID_MAX)
FIELDS = _query(
    "fields", _text("fields"),
    "Comma-separated fields to add to the defaults; '-name' removes one, '*' selects all, "
    "'name(sub,fields)' picks fields of a related object (nested at most two levels). "
    "Example: date,summary,topics,image_rendition",
)


def _listing_parameters():
    return [
        _query("limit", _integer(1, params.limit_max()), f"Items per page (default 20, at most {params.limit_max()})."),
        _query("offset", _integer(0, params.OFFSET_MAX), "Number of items to skip."),
        FIELDS,
        _query("order", _text("order"), "Field(s) to order by, comma-separated; '-title' for descending, "
                                        "'random' for a random order (not with offset)."),
        _query("search", _text("search"), "Full-text search; results are ordered by relevance unless ?order= is "
                                          f"given. At most {params.SEARCH_MAX_LENGTH} characters."),
        _query("search_operator", str, "How search terms combine; only together with search.",
               enum=list(params.SEARCH_OPERATORS)),
    ]


def _page_listing_parameters():
    page_types = {"type": "array", "items": {"type": "string", "enum": params.page_type_labels()}}
    return _listing_parameters() + [
        _query("type", page_types, "Page type(s) as app_label.ModelName, comma-separated, e.g. cms.NewsArticlePage. "
                                   "Fields of that type can then be requested with ?fields= and used as filters.",
               style="form", explode=False),
        _query("locale", str, "Only pages in this language. An unknown code is a 400.", enum=["de", "en"]),
        _query("translation_of", ID, "Only translations of the page with this id (combine with ?locale=)."),
        _query("child_of", _text("child_of"), "Only direct children of this page id, or 'root' for the site's home page."),
        _query("descendant_of", ID, "Only pages below this page id."),
        _query("ancestor_of", ID, "Only pages above this page id."),
        _query("site", _text("site"), "Pages of the site with this hostname (hostname:port), instead of the "
                                      "requesting host."),
        _query("region", _text("region"), "Only content filed under this region: id or slug, in any language. "
                                          "A region that is unknown, unpublished or private is a 400."),
        _query("initiative", _text("initiative"), "Only content filed under this initiative: id or slug, in any "
                                                  "language. Unknown, unpublished or private is a 400."),
        _query("topic", _text("topic"), "Only content filed under this topic: id or slug, in any language."),
    ]


DETAIL_PARAMETERS = [OpenApiParameter("id", ID, OpenApiParameter.PATH, description="Page, image or document id."), FIELDS]
FIND_PARAMETERS = [_query("id", ID, "The object's id.")]
PAGE_FIND_PARAMETERS = FIND_PARAMETERS + [
    _query("html_path", _text("html_path"), "The page's path on the front end, e.g. /aktuelles/"),
]
PREVIEW_PARAMETERS = [
    _query("content_type", _text("content_type"), "Page type as app_label.modelname, e.g. cms.newsarticlepage.",
           required=True),
    _query("token", _text("token"), "Signed token from the preview link; it expires after PREVIEW_TOKEN_MAX_AGE.",
           required=True),
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
            if "type" in meta and self._is_specific_page(model):
                # The page's type tells the variants of PageDetail's oneOf apart: exactly one matches.
                meta["type"] = {**meta["type"], "enum": [model._meta.label]}
                ordered["meta"]["required"] = ["type"]
        schema["properties"] = {**ordered, **properties}
        schema["required"] = [name for name in schema.get("required", []) if name not in meta_names]
        if "meta" in ordered and "required" in ordered["meta"]:
            schema["required"].append("meta")
        if not schema["required"]:
            del schema["required"]
        return schema

    @staticmethod
    def _is_specific_page(model) -> bool:
        from wagtail.models import Page

        return issubclass(model, Page) and model is not Page

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
    page_parameters = {"listing": _page_listing_parameters(), "detail": DETAIL_PARAMETERS, "find": PAGE_FIND_PARAMETERS}
    other_parameters = {"listing": _listing_parameters(), "detail": DETAIL_PARAMETERS, "find": FIND_PARAMETERS}
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


def _blank_or_format_as_any_of(node) -> None:
    """A blank-allowed URL or e-mail field is drf-spectacular's oneOf [format, maxLength 0].

    Validators that do not assert formats find "" valid under both branches, so
    such a oneOf rejects every blank value; anyOf says the same without the trap.
    """
    if isinstance(node, dict):
        variants = node.get("oneOf")
        if isinstance(variants, list) and any(v.get("maxLength") == 0 for v in variants if isinstance(v, dict)):
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _blank_or_format_as_any_of(value)
    elif isinstance(node, list):
        for value in node:
            _blank_or_format_as_any_of(value)


def schema_complete(result, generator, request, public):
    """drf-spectacular post-processing hook: the non-DRF endpoints, and blank-or-format fields as anyOf."""
    result["paths"].update(NON_DRF_PATHS)
    _blank_or_format_as_any_of(result.get("components", {}))
    return result
