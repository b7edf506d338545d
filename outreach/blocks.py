"""The blocks a one-off mailing is written with: the content's own (text, image, button) plus a divider.

Each block has one MJML template (outreach/templates/outreach/mjml/<block>.mjml);
mailing_blocks_to_mjml() joins them into one MJML document, which then goes
through the engine's one render path (outreach.rendering.render_content), once
per language. Raw MJML or HTML stays available on the form as the expert option.
"""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from cms.blocks import CallToActionBlock, ImageWithCreditBlock, SanitisedRichTextBlock
from cms.richtext import rich_text_to_api_html

_RELATIVE_URL = re.compile(r"""(\b(?:href|src)=")(/[^/"][^"]*|/)(")""")


class DividerBlock(blocks.StaticBlock):
    class Meta:
        icon = "horizontalrule"
        label = _("Divider")
        description = _("A thin line between two parts of the mail")
        admin_text = _("A thin horizontal line.")
        preview_value = None


class MailingBodyBlock(blocks.StreamBlock):
    text = SanitisedRichTextBlock()
    image = ImageWithCreditBlock()
    button = CallToActionBlock(label=_("Button"))
    divider = DividerBlock()

    class Meta:
        required = False  # a language may be left out, or written in MJML or HTML instead


def _absolute(url: str) -> str:
    # Mail is read far from this host: every link and image address must be complete.
    if url.startswith("/") and not url.startswith("//"):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    return url


def _block_context(block_type: str, value) -> dict:
    if block_type == "text":
        html = rich_text_to_api_html(value.source if value else "")
        return {"html": mark_safe(_RELATIVE_URL.sub(lambda m: m[1] + _absolute(m[2]) + m[3], html))}
    if block_type == "image":
        image = value.get("image")
        if image is None:
            return {}
        rendition = image.get_rendition("width-1200")
        return {"src": _absolute(rendition.url), "alt": getattr(image, "alt_text", "") or image.title,
                "caption": value.get("caption", ""), "credit": getattr(image, "credit", "")}
    if block_type == "button":
        page = value.get("page")
        url = value.get("url") or (page.localized.full_url if page else "") or ""
        return {"label": value.get("label", ""), "url": _absolute(url)}
    return {}


def mailing_blocks_to_mjml(stream_value) -> str:
    """One MJML document from the blocks, each rendered through its own template; all values escaped."""
    parts = []
    for child in stream_value or []:
        context = _block_context(child.block_type, child.value)
        if child.block_type == "image" and not context:
            continue  # an image deleted since: leave it out rather than send a broken one
        parts.append(render_to_string(f"outreach/mjml/{child.block_type}.mjml", context))
    return render_to_string("outreach/mjml/document.mjml", {"blocks": mark_safe("\n".join(parts))})
