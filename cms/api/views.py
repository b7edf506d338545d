"""Endpoints of the headless API (Wagtail API v2, extended)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.response import Response
from wagtail.api.v2.filters import (
    AncestorOfFilter,
    ChildOfFilter,
    DescendantOfFilter,
    FieldsFilter,
    OrderingFilter,
    SearchFilter,
    TranslationOfFilter,
)
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page
from wagtail_headless_preview.models import HeadlessPreviewMixin, PagePreview

from cms.api.filters import InitiativeFilter, RegionFilter, StrictLocaleFilter, TopicFilter

# Renditions named in the models' api_fields; prefetching them keeps a listing
# at a fixed number of queries however many items it has.
LISTING_RENDITIONS = ("fill-800x450", "max-400x400", "fill-1600x600")
PREFETCHED_IMAGE_FIELDS = ("image", "logo", "hero_image")
PREFETCHED_RELATIONS = ("regions", "initiatives", "topics", "partners", "contacts")


class ContentPagesAPIViewSet(PagesAPIViewSet):
    # SearchFilter must come last: it turns the queryset into search results.
    filter_backends = [
        FieldsFilter,
        ChildOfFilter,
        AncestorOfFilter,
        DescendantOfFilter,
        OrderingFilter,
        TranslationOfFilter,
        StrictLocaleFilter,
        RegionFilter,
        InitiativeFilter,
        TopicFilter,
        SearchFilter,
    ]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(["region", "initiative", "topic"])
    listing_default_fields = PagesAPIViewSet.listing_default_fields + ["locale"]
    detail_only_fields = ["parent", "dialogues"]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("locale")

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
        lookups += [name for name in PREFETCHED_RELATIONS if name in field_names]
        return queryset.select_related("locale").prefetch_related(*lookups)


class CreditedImagesAPIViewSet(ImagesAPIViewSet):
    def get_queryset(self):
        return super().get_queryset().prefetch_renditions("fill-400x300", "max-1200x1200", "max-2400x2400")


class CreditedDocumentsAPIViewSet(DocumentsAPIViewSet):
    pass


class PagePreviewAPIViewSet(ContentPagesAPIViewSet):
    """Draft content for the front end's preview, behind a signed, expiring token.

    The token comes from wagtail-headless-preview (a TimestampSigner over the
    page identity); this view enforces its age, which the package does not.
    """

    known_query_parameters = ContentPagesAPIViewSet.known_query_parameters.union(["content_type", "token"])

    def listing_view(self, request):
        page = self.get_object()
        serializer = self.get_serializer(page)
        return Response(serializer.data, headers={"Cache-Control": "private, no-store"})

    def detail_view(self, request, pk):
        raise Http404

    def get_object(self):
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
