from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.api.serializers import LocalizedRelationField, PartnerSerializer, RichTextAPIField
from cms.blocks import RICH_TEXT_FEATURES, ActivitiesStreamBlock, GoodPracticesStreamBlock
from cms.models.base import HeadlessPage, IndexPage
from media.api import PublicImageRenditionField


class InitiativeIndexPage(IndexPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.InitiativePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("initiative index")


class InitiativePage(HeadlessPage):
    """A regional industry initiative or alliance; its own news live below it.

    Partners of an initiative get edit rights on this page and its subtree only
    (see cms.services.roles), which is why its news are child pages.
    """

    summary = models.TextField(_("summary"), blank=True, max_length=500)
    goals = RichTextField(_("goals"), blank=True, features=RICH_TEXT_FEATURES)
    activities = StreamField(ActivitiesStreamBlock(), verbose_name=_("activities"), blank=True)
    good_practices = StreamField(GoodPracticesStreamBlock(), verbose_name=_("good practices"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    logo = models.ForeignKey(
        "media.CreditedImage", verbose_name=_("logo"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    regions = ParentalManyToManyField("cms.RegionPage", verbose_name=_("regions"), blank=True, related_name="+")
    partners = ParentalManyToManyField(
        "cms.PartnerOrganisation", verbose_name=_("partner organisations"), blank=True, related_name="initiatives"
    )
    topics = ParentalManyToManyField("cms.Topic", verbose_name=_("topics"), blank=True, related_name="+")

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("logo"),
        FieldPanel("regions"),
        FieldPanel("partners"),
        FieldPanel("goals"),
        FieldPanel("activities"),
        FieldPanel("good_practices"),
        MultiFieldPanel(
            [FieldPanel("website"), FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Contact"),
        ),
        FieldPanel("topics"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("goals"),
        index.SearchField("activities"),
        index.SearchField("good_practices"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("goals", serializer=RichTextAPIField()),
        APIField("activities"),
        APIField("good_practices"),
        APIField("website"),
        APIField("contact_name"),
        APIField("contact_email"),
        APIField("contact_phone"),
        APIField("logo"),
        APIField("logo_rendition", serializer=PublicImageRenditionField("max-400x400", source="logo")),
        APIField("regions", serializer=LocalizedRelationField()),
        APIField("partners", serializer=PartnerSerializer(many=True, read_only=True)),
        APIField("topics", serializer=LocalizedRelationField()),
    ]
    parent_page_types = ["cms.InitiativeIndexPage"]
    subpage_types = ["cms.NewsArticlePage"]

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
