"""The newsroom and its press releases.

The embargo is Wagtail's scheduled publishing: go_live_at always equals
embargo_until (clean() keeps them together), so a release published in the
admin before its embargo is only scheduled, is not live, and is therefore
left out of everything public that already serves live pages only. Beat runs
`publish_scheduled` every minute (cms.tasks), which puts it live.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.models import DraftStateMixin, Orderable, Page
from wagtail.search import index

from cms.api.serializers import PartnerSerializer
from cms.models import IndexPage
from cms.models.content import FiledContentPage
from press.forms import PressReleasePageForm
from press.serializers import (
    BoilerplateSerializer,
    PressContactSerializer,
    ReleaseDocumentField,
    PressKitField,
    ReleaseImageField,
)


class NewsroomPage(IndexPage):
    """The press section of a locale's home page; its children are the press releases."""

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["press.PressReleasePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("newsroom")


class PressReleasePage(FiledContentPage):
    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    dateline = models.CharField(_("dateline"), max_length=120, help_text=_("Place of the release, e.g. Berlin"))
    release_date = models.DateField(_("release date"), default=datetime.date.today)
    embargo_until = models.DateTimeField(
        _("embargo until"), null=True, blank=True,
        help_text=_("Time in Berlin. Until then the release is visible only to the press office; "
                    "it goes live by itself at this time."),
    )
    boilerplate = models.ForeignKey(
        "press.Boilerplate", verbose_name=_("boilerplate"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    partners = ParentalManyToManyField(
        "cms.PartnerOrganisation", verbose_name=_("partners"), blank=True, related_name="+"
    )

    content_panels = Page.content_panels + [
        FieldPanel("subtitle"),
        FieldRowPanel([FieldPanel("dateline"), FieldPanel("release_date")], heading=_("Dateline")),
        MultiFieldPanel([FieldPanel("embargo_until"), FieldPanel("break_embargo")], heading=_("Embargo")),
        FieldPanel("summary"), FieldPanel("image"), FieldPanel("body"),
        InlinePanel("press_contacts", heading=_("Press contacts"), label=_("Press contact"), min_num=0),
        InlinePanel("images", heading=_("Images"), label=_("Image")),
        InlinePanel("documents", heading=_("Documents"), label=_("Document")),
        FieldPanel("boilerplate"),
        MultiFieldPanel([FieldPanel("partners")], heading=_("Partners")),
    ] + FiledContentPage.filing_panels
    # The embargo replaces Wagtail's own go-live/expiry dialog, which would set go_live_at behind its back.
    settings_panels = []
    search_fields = FiledContentPage.search_fields + [
        index.SearchField("subtitle"), index.SearchField("dateline"), index.FilterField("release_date"),
    ]
    api_fields = [
        APIField("subtitle"), APIField("dateline"), APIField("release_date"), APIField("embargo_until"),
        APIField("press_contacts"), APIField("images"), APIField("documents"),
        APIField("boilerplate", serializer=BoilerplateSerializer(read_only=True, allow_null=True)),
        APIField("partners", serializer=PartnerSerializer(many=True, read_only=True)),
        APIField("press_kit", serializer=PressKitField()),
    ] + FiledContentPage.filing_api_fields
    parent_page_types = ["press.NewsroomPage"]
    subpage_types = []
    base_form_class = PressReleasePageForm

    class Meta:
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")

    def clean(self):
        super().clean()
        self.go_live_at = self.embargo_until

    def save(self, *args, **kwargs):
        self.go_live_at = self.embargo_until
        return super().save(*args, **kwargs)

    def get_lock(self):
        # Wagtail locks a page scheduled for publishing until the schedule is cancelled. For a release
        # the schedule is its embargo field: moving it reschedules, emptying it publishes after a
        # confirmation (press.forms), so the page stays editable; other locks still apply.
        if self.approved_schedule:
            return super(DraftStateMixin, self).get_lock()
        return super().get_lock()

    @property
    def is_under_embargo(self) -> bool:
        return bool(self.embargo_until and self.embargo_until > timezone.now())

    # The Mailable protocol of outreach (outreach/mailable.py); built in press.mailable.
    def mailable_locales(self) -> list[str]:
        from press.mailable import release_mailable_locales

        return release_mailable_locales(release=self)

    def mailable_content(self, locale: str):
        from press.mailable import release_mailable_content

        return release_mailable_content(release=self, locale=locale)


class PressReleaseContact(Orderable):
    page = ParentalKey(PressReleasePage, on_delete=models.CASCADE, related_name="press_contacts")
    contact = models.ForeignKey("press.PressContact", verbose_name=_("press contact"), on_delete=models.CASCADE,
                                related_name="+")

    panels = [FieldPanel("contact")]
    api_fields = [APIField("contact", serializer=PressContactSerializer(read_only=True))]

    class Meta(Orderable.Meta):
        verbose_name = _("press contact")


class PressReleaseImage(Orderable):
    page = ParentalKey(PressReleasePage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("media.CreditedImage", verbose_name=_("image"), on_delete=models.CASCADE,
                              related_name="+")
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
    api_fields = [APIField("image", serializer=ReleaseImageField())]

    class Meta(Orderable.Meta):
        verbose_name = _("image")


class PressReleaseDocument(Orderable):
    page = ParentalKey(PressReleasePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("media.CreditedDocument", verbose_name=_("document"), on_delete=models.CASCADE,
                                 related_name="+")

    panels = [FieldPanel("document")]
    api_fields = [APIField("document", serializer=ReleaseDocumentField())]

    class Meta(Orderable.Meta):
        verbose_name = _("document")
