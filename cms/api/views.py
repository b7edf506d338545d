"""Endpoints of the headless API (Wagtail API v2, extended)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api.v2.filters import (
    AncestorOfFilter,
    ChildOfFilter,
    DescendantOfFilter,
    OrderingFilter,
    TranslationOfFilter,
)
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError, FieldsParameterParseError, parse_fields_parameter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page, Site
from wagtail_headless_preview.models import HeadlessPreviewMixin, PagePreview

from cms.api.filters import (
    InitiativeFilter,
    RegionFilter,
    StrictFieldsFilter,
    StrictLocaleFilter,
    StrictSearchFilter,
    TopicFilter,
)
from cms.api.params import OFFSET_MAX, query_parameters_validate
from cms.api.visibility import pages_filtered
from cms.services.translations import pages_translated_only
from media.api import DOWNLOAD_FILTER_SPEC, PublicImageSerializer
from media.services import HOLDS_LIFTED_ATTRIBUTE, media_held

# Renditions named in the models' api_fields; prefetching them keeps a listing
# at a fixed number of queries however many items it has.
LISTING_RENDITIONS = ("fill-800x450", "max-400x400", "fill-1600x600")
PREFETCHED_IMAGE_FIELDS = ("image", "logo", "hero_image")
PREFETCHED_RELATIONS = ("regions", "initiatives", "topics", "partners", "contacts")
# Linked pages are shown as id, title and slug (cms.api.serializers.localize_items);
# loading only these columns skips hydrating each linked page's StreamField body.
LINKED_PAGE_COLUMNS = ("title", "slug", "live", "locale_id", "translation_key", "path")


class StrictPagination(WagtailPagination):
    def paginate_queryset(self, queryset, request, view=None):
        # query_parameters_validate bounds it too; this keeps the pagination safe on its own.
        offset = request.GET.get("offset", "0")
        if offset.isascii() and offset.isdigit() and int(offset) > OFFSET_MAX:
            raise BadRequestError(_("offset is too large"))
        return super().paginate_queryset(queryset, request, view)


class PublicEndpointMixin:
    # JSON only, whatever the Accept header says: the server-side cache keys on
    # the URL, so a browsable-API HTML page must never be cached for JSON clients.
    renderer_classes = [JSONRenderer]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # One gate for every endpoint, before any filter or the database sees a value.
        known = self.known_query_parameters | self.find_query_parameters
        query_parameters_validate(params=request.GET, known=known)

    def find_object(self, queryset, request):
        value = request.GET.get("id")
        if value is not None and not (value.isascii() and value.isdigit()):
            raise BadRequestError(_("id must be a positive integer"))
        return super().find_object(queryset, request)


class ContentPagesAPIViewSet(PublicEndpointMixin, PagesAPIViewSet):
    # SearchFilter must come last: it turns the queryset into search results.
    filter_backends = [
        StrictFieldsFilter,
        ChildOfFilter,
        AncestorOfFilter,
        DescendantOfFilter,
        OrderingFilter,
        TranslationOfFilter,
        StrictLocaleFilter,
        RegionFilter,
        InitiativeFilter,
        TopicFilter,
        StrictSearchFilter,
    ]
    pagination_class = StrictPagination
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(["region", "initiative", "topic"])
    listing_default_fields = PagesAPIViewSet.listing_default_fields + ["locale"]
    detail_only_fields = ["parent", "dialogues"]

    def get_base_queryset(self):
        # Wagtail builds the base queryset up to three times a request (queryset,
        # tree filters, serializer context), reading every view restriction and
        # the site's translations each time; the result cannot change in between.
        if not hasattr(self, "_base_queryset"):
            try:
                # Aliases into another locale are placeholders holding the source's text.
                self._base_queryset = pages_filtered(
                    pages_translated_only(super().get_base_queryset().select_related("locale")))
            except Site.DoesNotExist as e:
                raise BadRequestError(_("No site matches '%(site)s'.") % {"site": self.request.GET["site"]}) from e
        return self._base_queryset.all()

    def get_queryset(self):
        queryset = super().get_queryset()
        model = queryset.model
        if model is Page:
            return queryset
        field_names = {f.name for f in model._meta.get_fields()}
        image_model = get_image_model()
        lookups = [
            Prefetch(name, queryset=image_model.objects.prefetch_renditions(*LISTING_RENDITIONS))
            for name in PREFETCHED_IMAGE_FIELDS
            if name in field_names
        ]
        for name in self._requested_relations(field_names):
            target = model._meta.get_field(name).related_model
            if issubclass(target, Page):
                lookups.append(Prefetch(name, queryset=target.objects.only(*LINKED_PAGE_COLUMNS)))
            else:
                lookups.append(name)
        return queryset.select_related("locale").prefetch_related(*lookups)

    def _requested_relations(self, field_names) -> list[str]:
        """A listing shows only the relations named in ?fields= (all of them with *)."""
        names = [name for name in PREFETCHED_RELATIONS if name in field_names]
        if getattr(self, "action", None) != "listing_view":
            return names
        try:
            parsed = parse_fields_parameter(self.request.GET.get("fields", ""))
        except (BadRequestError, FieldsParameterParseError):
            return names  # the serializer reports the bad parameter
        requested = {name for name, negated, _nested in parsed if not negated}
        return names if "*" in requested else [n for n in names if n in requested]


class CreditedImagesAPIViewSet(PublicEndpointMixin, ImagesAPIViewSet):
    # Also serialises images nested in pages: null where the request may not see them,
    # and download_url is a rendition, as originals are never served.
    base_serializer_class = PublicImageSerializer
    filter_backends = [StrictFieldsFilter, OrderingFilter, StrictSearchFilter]
    pagination_class = StrictPagination

    def get_queryset(self):
        # Held images (a release's under embargo) are left out of listing and detail alike.
        held = media_held(request=self.request).image_ids
        return super().get_queryset().exclude(id__in=held).prefetch_renditions(
            "fill-400x300", "max-1200x1200", "max-2400x2400", DOWNLOAD_FILTER_SPEC
        )


class CreditedDocumentsAPIViewSet(PublicEndpointMixin, DocumentsAPIViewSet):
    filter_backends = [StrictFieldsFilter, OrderingFilter, StrictSearchFilter]
    pagination_class = StrictPagination

    def get_queryset(self):
        return super().get_queryset().exclude(id__in=media_held(request=self.request).document_ids)


class PagePreviewAPIViewSet(ContentPagesAPIViewSet):
    """Draft content for the front end's preview, behind a signed, expiring token.

    The token comes from wagtail-headless-preview (a TimestampSigner over the
    page identity); this view enforces its age, which the package does not.
    """

    known_query_parameters = ContentPagesAPIViewSet.known_query_parameters.union(["content_type", "token"])

    @classmethod
    def get_urlpatterns(cls):
        # One page per token: there is nothing to list, find or address by id.
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    def listing_view(self, request):
        # Serialised like a detail view, so the preview shows every field.
        self.action = "detail_view"
        page = self.get_object()
        # The token stands for the press office: a release's images held under embargo are shown to it.
        setattr(request, HOLDS_LIFTED_ATTRIBUTE, True)
        serializer = self.get_serializer(page)
        return Response(serializer.data, headers={"Cache-Control": "private, no-store"})

    def get_object(self):
        if not hasattr(self, "_preview_page"):
            self._preview_page = self._load_preview_page()
        return self._preview_page

    def _load_preview_page(self):
        content_type_label = self.request.GET.get("content_type", "")
        token = self.request.GET.get("token", "")
        if "." not in content_type_label or not token:
            raise BadRequestError(_("content_type and token are required."))
        try:
            HeadlessPreviewMixin.get_preview_signer().unsign(token, max_age=settings.PREVIEW_TOKEN_MAX_AGE)
        except signing.SignatureExpired as e:
            raise Http404(_("This preview link has expired.")) from e
        except signing.BadSignature as e:
            raise Http404(_("This preview link is not valid.")) from e
        app_label, model = content_type_label.lower().split(".", 1)
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        preview = PagePreview.objects.filter(content_type=content_type, token=token).first()
        if content_type is None or preview is None:
            raise Http404(_("This preview link is not valid."))
        page = preview.as_page()
        if not page.pk:
            page.pk = 0
        return page


def api_not_found(request, *args, **kwargs):
    """Every unknown URL under /api/ (e.g. /api/v2/pages/abc/) is a JSON 404, as the schema promises."""
    return JsonResponse({"message": _("Not found.")}, status=404)
