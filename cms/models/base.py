from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessPreviewMixin

from cms.api.serializers import RichTextAPIField
from cms.blocks import RICH_TEXT_FEATURES, BaseStreamBlock
from media.api import PublicImageRenditionField


class HeadlessPage(HeadlessPreviewMixin, Page):
    """Base of every page type: previews open in the separate front end."""

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
