"""The single router of the headless API."""

from wagtail.api.v2.router import WagtailAPIRouter

from cms.api.schema import document_api
from cms.api.views import (
    ContentPagesAPIViewSet,
    CreditedDocumentsAPIViewSet,
    CreditedImagesAPIViewSet,
    PagePreviewAPIViewSet,
)

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ContentPagesAPIViewSet)
api_router.register_endpoint("images", CreditedImagesAPIViewSet)
api_router.register_endpoint("documents", CreditedDocumentsAPIViewSet)
api_router.register_endpoint("page_preview", PagePreviewAPIViewSet)
document_api(api_router)
