"""The blocks a newsletter issue is written in. Each renders to MJML through its own template.

Meta.mjml_template names the template (templates/newsletters/mjml/); mjml_context() gives it what it needs
as plain values (absolute URLs, escaped later by the template engine), so that a template never reaches into
a page of another app. Teasers read the chosen page generically (a `summary`, an `image`, a `start_at` when
the page type has one): newsletters imports neither press nor the front end's routes (DESIGN.md).
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.blocks import CallToActionBlock, SanitisedRichTextBlock
from cms.richtext import rich_text_to_api_html

# Mail is 600 px wide; renditions are twice that for retina screens and shown at 600 (or the column's width).
MAIL_WIDTH = 600
IMAGE_SPEC = f"width-{MAIL_WIDTH * 2}"
TEASER_IMAGE_SPEC = f"fill-{MAIL_WIDTH * 2}x{MAIL_WIDTH * 2 * 9 // 16}"


def absolute_url(url: str) -> str:
    """Mail clients have no base URL: every link and image source must carry scheme and host."""
    return urljoin(settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/", url or "")


def _rich_text(source: str) -> str:
    markup = rich_text_to_api_html(source or "")
    # Internal links come out site-relative.
    return markup.replace('href="/', f'href="{settings.WAGTAILADMIN_BASE_URL.rstrip("/")}/')


def image_context(image, spec: str = IMAGE_SPEC) -> dict | None:
    if image is None:
        return None
    rendition = image.get_rendition(spec)
    return {
        "url": absolute_url(rendition.url), "alt": image.alt_text or image.title, "credit": image.credit,
        # Shown at half its pixel size: sharp on a 2x screen.
        "width": min(MAIL_WIDTH, rendition.width // 2),
    }


def page_link(page) -> str:
    return absolute_url(page.full_url or page.url or "") if page is not None else ""


class MjmlBlockMixin:
    """A block that renders to an MJML fragment (one or more <mj-section>s)."""

    def mjml_context(self, value) -> dict:
        return {"value": value}


class IntroBlock(MjmlBlockMixin, blocks.StructBlock):
    greeting = blocks.BooleanBlock(label=_("Start with the personal salutation"), required=False, default=True)
    text = SanitisedRichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    def mjml_context(self, value) -> dict:
        return {"greeting": value.get("greeting"), "text": _rich_text(value["text"].source if value["text"] else "")}

    class Meta:
        icon = "openquote"
        label = _("Introduction")
        description = _("The opening words, optionally after the reader's salutation")
        mjml_template = "newsletters/mjml/intro.mjml"
        preview_value = {"greeting": True, "text": "<p>Willkommen zur neuen Ausgabe.</p>"}


class ArticleTeaserBlock(MjmlBlockMixin, blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("Page (news, event, press release …)"))
    title = blocks.CharBlock(label=_("Other title"), required=False, max_length=200,
                             help_text=_("Empty: the page's title."))
    summary = blocks.TextBlock(label=_("Other summary"), required=False,
                               help_text=_("Empty: the page's summary."))
    link_label = blocks.CharBlock(label=_("Link text"), required=False, max_length=60)

    def mjml_context(self, value) -> dict:
        page = value["page"].specific if value.get("page") else None
        return {
            "title": value.get("title") or (page.title if page else ""),
            "summary": value.get("summary") or getattr(page, "summary", "") or "",
            "image": image_context(getattr(page, "image", None), TEASER_IMAGE_SPEC),
            "url": page_link(page), "link_label": value.get("link_label") or _("Read more"),
        }

    class Meta:
        icon = "doc-full"
        label = _("Article teaser")
        description = _("Image, title and summary of any page, with a link to it")
        mjml_template = "newsletters/mjml/article_teaser.mjml"


class EventTeaserBlock(MjmlBlockMixin, blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("Event"), page_type="cms.EventPage")
    link_label = blocks.CharBlock(label=_("Link text"), required=False, max_length=60)

    def mjml_context(self, value) -> dict:
        from django.utils import timezone
        from django.utils.formats import date_format

        page = value["page"].specific if value.get("page") else None
        start = getattr(page, "start_at", None)
        return {
            "title": page.title if page else "",
            "when": date_format(timezone.localtime(start), "DATETIME_FORMAT") if start else "",
            "place": getattr(page, "place", "") or "",
            "summary": getattr(page, "summary", "") or "",
            "image": image_context(getattr(page, "image", None), TEASER_IMAGE_SPEC),
            "url": getattr(page, "registration_url", "") or page_link(page),
            "link_label": value.get("link_label") or _("Details and registration"),
        }

    class Meta:
        icon = "date"
        label = _("Event teaser")
        description = _("Date, place and summary of an event, with a link to it")
        mjml_template = "newsletters/mjml/event_teaser.mjml"


class RichTextBlock(MjmlBlockMixin, SanitisedRichTextBlock):
    def mjml_context(self, value) -> dict:
        return {"text": _rich_text(value.source if value else "")}

    class Meta:
        mjml_template = "newsletters/mjml/rich_text.mjml"


class ImageBlock(MjmlBlockMixin, blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)
    link = blocks.URLBlock(label=_("Link"), required=False)

    def mjml_context(self, value) -> dict:
        return {"image": image_context(value.get("image")), "caption": value.get("caption", ""),
                "link": value.get("link", "")}

    class Meta:
        icon = "image"
        label = _("Image with credit")
        description = _("An image; its credit is shown below it")
        mjml_template = "newsletters/mjml/image.mjml"


class ButtonBlock(MjmlBlockMixin, CallToActionBlock):
    def mjml_context(self, value) -> dict:
        page = value.get("page")
        return {"label": value["label"], "url": value.get("url") or page_link(page.specific if page else None)}

    class Meta:
        icon = "link"
        label = _("Button")
        mjml_template = "newsletters/mjml/button.mjml"


class DividerBlock(MjmlBlockMixin, blocks.StaticBlock):
    class Meta:
        icon = "horizontalrule"
        label = _("Divider")
        description = _("A thin line between parts of the issue")
        admin_text = _("A thin line.")
        mjml_template = "newsletters/mjml/divider.mjml"


class CustomMjmlBlock(MjmlBlockMixin, blocks.TextBlock):
    """MJML written by hand: <mj-section>s, or a whole <mjml> document (its head and body are merged in)."""

    def mjml_context(self, value) -> dict:
        return {"source": value or ""}

    class Meta:
        icon = "code"
        label = _("Custom MJML")
        description = _("MJML markup, for layouts the other blocks do not offer")
        mjml_template = "newsletters/mjml/custom.mjml"


class SectionContentBlock(blocks.StreamBlock):
    intro = IntroBlock()
    article_teaser = ArticleTeaserBlock()
    event_teaser = EventTeaserBlock()
    rich_text = RichTextBlock()
    image = ImageBlock()
    button = ButtonBlock()
    divider = DividerBlock()
    custom_mjml = CustomMjmlBlock()


class TopicSectionBlock(MjmlBlockMixin, blocks.StructBlock):
    """Blocks only subscribers of one topic get. The issue is rendered once per combination of topics that
    occurs among its recipients (newsletters.rendering), never per recipient."""

    topic = SnippetChooserBlock("cms.Topic", label=_("Topic"))
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=200)
    content = SectionContentBlock(label=_("Content"))

    class Meta:
        icon = "tag"
        label = _("Topic section")
        description = _("Shown only to subscribers of this topic")
        mjml_template = "newsletters/mjml/topic_section.mjml"


class IssueBodyBlock(SectionContentBlock):
    topic_section = TopicSectionBlock()
