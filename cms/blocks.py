"""The block set every StreamField in the project is built from.

Defined once here and reused (news, initiatives, events, studies, press
releases); each block returns API-ready data through get_api_representation,
so the separate front end never sees Wagtail's internal formats.
"""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from cms.richtext import rich_text_to_api_html
from media.services import image_visible_publicly

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


def image_api_representation(image, *, caption: str = "", request=None) -> dict | None:
    """Rendition urls and credit, or None when the request may not see the image's collection."""
    if image is None or not image_visible_publicly(image=image, request=request):
        return None
    rendition = image.get_rendition("max-1200x1200")
    thumbnail = image.get_rendition("fill-400x300")
    return {
        "id": image.id,
        "title": image.title,
        "alt": image.alt_text or image.title,
        "caption": caption,
        "credit": image.credit,
        "licence": image.licence,
        "url": rendition.url,
        "width": rendition.width,
        "height": rendition.height,
        "thumbnail_url": thumbnail.url,
    }


class SanitisedRichTextBlock(blocks.RichTextBlock):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(*args, **kwargs)

    def get_api_representation(self, value, context=None):
        return rich_text_to_api_html(value.source if value else "")

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        description = _("Formatted text with headings, lists and links")
        preview_value = "<p>Die Industrie in Deutschland steht für Wirtschaftswachstum.</p>"


class ImageWithCreditBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    def get_api_representation(self, value, context=None):
        request = (context or {}).get("request")
        return image_api_representation(value["image"], caption=value.get("caption", ""), request=request)

    class Meta:
        icon = "image"
        label = _("Image")
        description = _("An image with caption; credit and licence come from the image")
        preview_value = {"caption": "Industriedialog in Krefeld"}


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=255)
    role = blocks.CharBlock(label=_("Role or organisation"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        description = _("A statement with the name of the person who said it")
        preview_value = {
            "text": "Der Dialog über die Zukunft der Industrie ist unverzichtbar.",
            "attribution": "N3tzwerk Zukunft der Industrie",
        }


class PageInPageLanguageChooserBlock(blocks.PageChooserBlock):
    """A page chooser whose pop-up lists pages in the edited page's language only (cms/choosers.py)."""

    # Only the admin's pop-up differs; the stored value and the migrations' block
    # definitions stay those of Wagtail's block.
    canonical_module_path = "wagtail.blocks.PageChooserBlock"

    @cached_property
    def widget(self):
        # Imported here as Wagtail's own block does: the admin's widgets are not loaded with the models.
        from cms.choosers import PageInPageLanguageChooser

        return PageInPageLanguageChooser(target_models=self.target_models, can_choose_root=self.can_choose_root)


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Button text"), max_length=80)
    # A button on a German page leads to a German page: the pop-up offers the page's language only.
    page = PageInPageLanguageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("External URL"), required=False)

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose either a page or an external URL."))}
            )
        return value

    def get_api_representation(self, value, context=None):
        page = value.get("page")
        return {
            "label": value["label"],
            "page": {"id": page.id, "title": page.title} if page else None,
            "url": value.get("url") or (page.url if page else ""),
        }

    class Meta:
        icon = "link"
        label = _("Call to action")
        description = _("A button that leads to a page or an external address")
        preview_value = {"label": "Jetzt anmelden", "url": "https://www.example.org/"}


class DocumentLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    documents = blocks.ListBlock(DocumentChooserBlock(label=_("Document")), label=_("Documents"))

    def get_api_representation(self, value, context=None):
        return {
            "heading": value.get("heading", ""),
            "documents": [
                {"id": doc.id, "title": doc.title, "url": doc.url, "licence": doc.licence}
                for doc in value["documents"]
                if doc is not None
            ],
        }

    class Meta:
        icon = "doc-full"
        label = _("Downloads")
        description = _("A list of documents to download")
        preview_value = {"heading": "Downloads"}


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video URL"), help_text=_("YouTube or Vimeo address"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    def get_api_representation(self, value, context=None):
        embed = value.get("video")
        return {"url": embed.url if embed else "", "caption": value.get("caption", "")}

    class Meta:
        icon = "media"
        label = _("Video")
        description = _("An embedded video")
        preview_value = {"caption": "Bundesweites Treffen"}


class BaseStreamBlock(blocks.StreamBlock):
    text = SanitisedRichTextBlock()
    image = ImageWithCreditBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    documents = DocumentLinksBlock()
    video = VideoBlock()


class GoodPracticeBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    summary = SanitisedRichTextBlock(label=_("Summary"))
    image = ImageChooserBlock(label=_("Image"), required=False)

    def get_api_representation(self, value, context=None):
        return {
            "title": value["title"],
            "summary": self.child_blocks["summary"].get_api_representation(value["summary"]),
            "image": image_api_representation(value.get("image"), request=(context or {}).get("request")),
        }

    class Meta:
        icon = "tick-inverse"
        label = _("Good practice")
        description = _("An example worth copying, with a short summary")
        preview_value = {"title": "Lange Nacht der Industrie"}


class GoodPracticesStreamBlock(blocks.StreamBlock):
    good_practice = GoodPracticeBlock()


class ActivityBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    description = SanitisedRichTextBlock(label=_("Description"), required=False)
    date = blocks.DateBlock(label=_("Date"), required=False)

    def get_api_representation(self, value, context=None):
        return {
            "title": value["title"],
            "description": self.child_blocks["description"].get_api_representation(value["description"]),
            "date": value["date"].isoformat() if value.get("date") else None,
        }

    class Meta:
        icon = "date"
        label = _("Activity")
        description = _("Something the initiative does, optionally with a date")
        preview_value = {"title": "Tag der offenen Tür"}


class ActivitiesStreamBlock(blocks.StreamBlock):
    activity = ActivityBlock()
