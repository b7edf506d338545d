from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.api.serializers import (
    LocalizedRelationField,
    RegionContactSerializer,
    RegionDialoguesField,
)
from cms.blocks import BaseStreamBlock
from cms.models.base import HeadlessPage, IndexPage


class FederalState(models.TextChoices):
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class RegionIndexPage(IndexPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RegionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("region index")


class RegionPage(HeadlessPage):
    """A model region (Modellregion) where industry dialogues are held."""

    class Level(models.TextChoices):
        STATE = "state", _("Federal state (Bundesland)")
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Municipality (Kommune)")

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    federal_state = models.CharField(_("federal state"), max_length=2, choices=FederalState.choices)
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    body = StreamField(BaseStreamBlock(), verbose_name=_("description"), blank=True)
    topics = ParentalManyToManyField("cms.Topic", verbose_name=_("topics"), blank=True, related_name="+")

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("level"), FieldPanel("federal_state")], heading=_("Where")),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("contacts", label=_("Contacts")),
        FieldPanel("topics"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("level"),
        index.FilterField("federal_state"),
    ]
    api_fields = [
        APIField("level"),
        APIField("federal_state"),
        APIField("summary"),
        APIField("body"),
        APIField("contacts", serializer=RegionContactSerializer(many=True, read_only=True)),
        APIField("topics", serializer=LocalizedRelationField()),
        APIField("dialogues", serializer=RegionDialoguesField()),
    ]
    parent_page_types = ["cms.RegionIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class RegionContact(Orderable):
    page = ParentalKey(RegionPage, related_name="contacts", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("role"), max_length=255, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("organisation"), FieldPanel("email"), FieldPanel("phone")]

    class Meta(Orderable.Meta):
        verbose_name = _("contact")
