"""Newsletter issues: Wagtail pages of blocks (newsletters.blocks), translated through wagtail-localize.

An index page per newsletter holds its issues (one tree per locale, as for every translated page). The issue
is a Mailable (outreach/mailable.py): newsletters.mailable builds its MJML per locale and topic combination.
It appears in the public archive only once a mailing of it has started (sent_at), never before.
"""

from django.db import models
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.models.base import HeadlessPage
from newsletters.blocks import IssueBodyBlock


class NewsletterIndexPage(HeadlessPage):
    """The issues of one newsletter (its archive); the front end shows it, and previews it, like any section."""

    newsletter = models.ForeignKey("newsletters.Newsletter", verbose_name=_("newsletter"), on_delete=models.PROTECT,
                                   related_name="+")

    content_panels = Page.content_panels + [FieldPanel("newsletter")]
    api_fields = [APIField("newsletter_slug")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["newsletters.NewsletterIssuePage"]

    class Meta:
        verbose_name = _("newsletter issues")

    @property
    def newsletter_slug(self) -> str:
        return self.newsletter.slug


class NewsletterIssuePage(Page):
    subject = models.CharField(_("subject"), max_length=200, blank=True,
                               help_text=_("Empty: the title."))
    preheader = models.CharField(_("preheader"), max_length=200, blank=True,
                                 help_text=_("The line mail programs show after the subject."))
    body = StreamField(IssueBodyBlock(), verbose_name=_("content"), blank=True)
    audience_topics = ParentalManyToManyField(
        "cms.Topic", verbose_name=_("only to subscribers of these topics"), blank=True, related_name="+",
        help_text=_("Empty: every confirmed subscriber of the newsletter."),
    )
    # Set when a mailing of this issue starts; only then is it in the public archive.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("subject"), FieldPanel("preheader")], heading=_("Mail")),
        FieldPanel("body"),
        FieldPanel("audience_topics"),
    ]
    search_fields = Page.search_fields + [index.SearchField("body"), index.FilterField("sent_at")]
    api_fields = [
        APIField("subject"), APIField("preheader"), APIField("sent_at"), APIField("newsletter_slug"),
        APIField("body"), APIField("archive_html"),
    ]
    parent_page_types = ["newsletters.NewsletterIndexPage"]
    subpage_types = []

    preview_modes = [
        ("", _("Desktop and mobile side by side")),
        ("desktop", _("Desktop (600 px)")),
        ("mobile", _("Mobile (375 px)")),
    ]

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")

    @property
    def newsletter(self):
        parent = self.get_parent()
        return getattr(parent.specific, "newsletter", None) if parent else None

    @property
    def newsletter_slug(self) -> str:
        newsletter = self.newsletter
        return newsletter.slug if newsletter else ""

    @property
    def archive_html(self) -> str:
        from newsletters.mailable import issue_archive_html

        return issue_archive_html(issue=self)

    def serve(self, request, *args, **kwargs):
        # Headless: the public reads issues through the archive API; this origin shows no page.
        from django.http import Http404

        raise Http404

    def serve_preview(self, request, mode_name):
        from newsletters.mailable import issue_preview_html
        from newsletters.rendering import IssueRenderError

        try:
            markup = issue_preview_html(issue=self)
            error = None
        except IssueRenderError as exc:
            markup, error = "", exc
        widths = {"desktop": [600], "mobile": [375]}.get(mode_name, [600, 375])
        return HttpResponse(render_to_string("newsletters/admin/issue_preview.html", {
            "widths": widths, "markup": markup, "error": error, "page": self,
        }, request=request))

    # The Mailable protocol (outreach/mailable.py); newsletters.mailable does the work.
    def mailable_locales(self) -> list[str]:
        from newsletters.mailable import issue_mailable_locales

        return issue_mailable_locales(issue=self)

    def mailable_content(self, locale: str):
        return self.mailable_variant_content(locale, "")

    def mailable_variant_content(self, locale: str, variant: str):
        from newsletters.mailable import issue_mailable_content

        return issue_mailable_content(issue=self, locale=locale, variant=variant)

    def mailable_sending_started(self) -> None:
        from newsletters.mailable import issue_mark_sent

        issue_mark_sent(issue=self)

    def mailable_recipient_variants(self, contact_ids: list[int]) -> dict[int, tuple[str, str]]:
        from newsletters.mailable import issue_recipient_variants

        return issue_recipient_variants(issue=self, contact_ids=contact_ids)
