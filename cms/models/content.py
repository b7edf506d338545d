"""News articles, events and studies: dated content filed by region, initiative and topic."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.api.serializers import LocalizedRelationField
from cms.blocks import BaseStreamBlock
from cms.models.base import HeadlessPage, IndexPage
from media.api import PublicImageRenditionField


class FiledContentPage(HeadlessPage):
    """Shared fields of dated content that is filed by region, initiative and topic."""

    summary = models.TextField(_("summary"), blank=True, max_length=600)
    image = models.ForeignKey(
        "media.CreditedImage", verbose_name=_("image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)
    regions = ParentalManyToManyField("cms.RegionPage", verbose_name=_("regions"), blank=True, related_name="+")
    initiatives = ParentalManyToManyField(
        "cms.InitiativePage", verbose_name=_("initiatives"), blank=True, related_name="+"
    )
    topics = ParentalManyToManyField("cms.Topic", verbose_name=_("topics"), blank=True, related_name="+")

    filing_panels = [
        MultiFieldPanel(
            [FieldPanel("regions"), FieldPanel("initiatives"), FieldPanel("topics")],
            heading=_("Filed under"),
        )
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    filing_api_fields = [
        APIField("summary"),
        APIField("image"),
        APIField("image_rendition", serializer=PublicImageRenditionField("fill-800x450", source="image")),
        APIField("body"),
        APIField("regions", serializer=LocalizedRelationField()),
        APIField("initiatives", serializer=LocalizedRelationField()),
        APIField("topics", serializer=LocalizedRelationField()),
    ]

    class Meta:
        abstract = True


class NewsIndexPage(IndexPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsArticlePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")


class NewsArticlePage(FiledContentPage):
    date = models.DateField(_("date"), default=datetime.date.today)

    content_panels = Page.content_panels + [
        FieldPanel("date"), FieldPanel("summary"), FieldPanel("image"), FieldPanel("body"),
    ] + FiledContentPage.filing_panels
    search_fields = FiledContentPage.search_fields + [index.FilterField("date")]
    api_fields = [APIField("date")] + FiledContentPage.filing_api_fields
    parent_page_types = ["cms.NewsIndexPage", "cms.InitiativePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")


class EventIndexPage(IndexPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index")


class EventPage(FiledContentPage):
    class Kind(models.TextChoices):
        REGIONAL_DIALOGUE = "regional-dialogue", _("Regional industry dialogue")
        NATIONWIDE_MEETING = "nationwide-meeting", _("Nationwide meeting")
        OTHER = "other", _("Other event")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.REGIONAL_DIALOGUE)
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("end"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    address = models.TextField(_("address"), blank=True)
    registration_url = models.URLField(_("registration URL"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start_at"), FieldPanel("end_at")], heading=_("When")),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("address")], heading=_("Where")),
        FieldPanel("registration_url"),
        FieldPanel("summary"), FieldPanel("image"), FieldPanel("body"),
    ] + FiledContentPage.filing_panels
    search_fields = FiledContentPage.search_fields + [index.SearchField("place"), index.FilterField("start_at")]
    api_fields = [
        APIField("kind"), APIField("start_at"), APIField("end_at"), APIField("place"),
        APIField("address"), APIField("registration_url"),
    ] + FiledContentPage.filing_api_fields
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        if self.end_at and self.start_at and self.end_at < self.start_at:
            raise ValidationError({"end_at": _("The end must not be before the start.")})

    @property
    def is_upcoming(self) -> bool:
        return (self.end_at or self.start_at) >= timezone.now()


class StudyIndexPage(IndexPage):
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.StudyPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("studies and good practices index")


class StudyPage(FiledContentPage):
    class Kind(models.TextChoices):
        STUDY = "study", _("Study")
        GOOD_PRACTICE = "good-practice", _("Good practice")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STUDY)
    publication_date = models.DateField(_("publication date"), default=datetime.date.today)
    authors = models.CharField(_("authors"), max_length=255, blank=True)
    document = models.ForeignKey(
        "media.CreditedDocument", verbose_name=_("document"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"), FieldPanel("publication_date"), FieldPanel("authors"),
        FieldPanel("summary"), FieldPanel("image"), FieldPanel("document"), FieldPanel("body"),
    ] + FiledContentPage.filing_panels
    search_fields = FiledContentPage.search_fields + [index.SearchField("authors"), index.FilterField("kind")]
    api_fields = [
        APIField("kind"), APIField("publication_date"), APIField("authors"), APIField("document"),
    ] + FiledContentPage.filing_api_fields
    parent_page_types = ["cms.StudyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("study or good practice")
        verbose_name_plural = _("studies and good practices")
