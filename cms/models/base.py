from django.conf import settings
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessPreviewMixin

from cms.api.serializers import RichTextAPIField
from cms.blocks import RICH_TEXT_FEATURES, BaseStreamBlock
from cms.forms import LocalizedChoicesPageForm
from cms.frontend import frontend_root_url
from cms.plain_rendering import page_plain_fields
from media.api import PublicImageRenditionField


class HeadlessPage(HeadlessPreviewMixin, Page):
    """Base of every page type: the public site and its previews are a separate front end.

    With FRONTEND_URL set, a page's URL (the admin's "Live anzeigen", the API's
    html_url, links in rich text) is its path on the front end, and a request for it
    here is redirected there. The site id and the path stay Wagtail's, so the API's
    routing (`?html_path=`, detail URLs) is unchanged. Without a front end, the page
    and its preview answer with a built-in plain rendering (cms/plain_rendering.py).
    """

    base_form_class = LocalizedChoicesPageForm

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request=request)
        root = frontend_root_url(language_code=self.locale.language_code) if parts else ""
        if not root or parts[2] is None:
            return parts
        site_id, _root, page_path = parts
        return site_id, root, page_path

    def get_url(self, request=None, current_site=None):
        # Wagtail gives a path relative to this host when there is one site; the page lives on the front end.
        if settings.FRONTEND_URL:
            return self.get_full_url(request=request)
        return super().get_url(request=request, current_site=current_site)

    url = property(get_url)

    def serve(self, request, *args, **kwargs):
        if settings.FRONTEND_URL:
            front_end_url = self.get_full_url(request=request)
            if front_end_url:
                return redirect(front_end_url)
        return self.serve_plain(request, is_preview=False)

    def serve_preview(self, request, mode_name):
        if self.get_client_root_url(request):
            return super().serve_preview(request, mode_name)
        return self.serve_plain(request, is_preview=True)

    def serve_plain(self, request, *, is_preview: bool):
        request.is_preview = is_preview
        context = {"page": self, "fields": page_plain_fields(page=self, request=request), "is_preview": is_preview}
        return TemplateResponse(request, "cms/page_plain.html", context)

    class Meta:
        abstract = True


class IndexPage(HeadlessPage):
    """A section of the site (regions, initiatives, news...); lists its children."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = [APIField("intro", serializer=RichTextAPIField())]

    class Meta:
        abstract = True


class HomePage(HeadlessPage):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    hero_image = models.ForeignKey(
        "media.CreditedImage", verbose_name=_("hero image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("hero_image"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    api_fields = [
        APIField("intro", serializer=RichTextAPIField()),
        APIField("hero_image"),
        APIField("hero_image_rendition", serializer=PublicImageRenditionField("fill-1600x600", source="hero_image")),
        APIField("body"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.RegionIndexPage", "cms.InitiativeIndexPage", "cms.NewsIndexPage",
        "cms.EventIndexPage", "cms.StudyIndexPage",
        # Named, not imported: cms does not import press (DESIGN.md).
        "press.NewsroomPage", "newsletters.NewsletterIndexPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
