"""A plain, built-in HTML rendering of any page: its API fields and StreamField blocks.

Dialogdesk is headless: the public site is a separate front end. When none is
configured (the embedded default), editors still need to see what they wrote,
in the preview panel and behind "Live anzeigen". This walks what the API
publishes (`api_fields`) generically, so every page type, present or future,
renders without a template of its own.

Everything is escaped through format_html; only rich text is passed through,
and only after the project's sanitiser (cms/richtext.py). Remote embeds are
shown as links, never loaded: nothing served calls a third party.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import AbstractImage
from wagtail.rich_text import RichText

from cms.richtext import rich_text_to_api_html

logger = logging.getLogger(__name__)

# Computed twins of another field (an image's rendition): the source field is shown instead.
SKIPPED_SUFFIXES = ("_rendition",)


@dataclass(frozen=True)
class PlainField:
    label: str
    html: SafeString


def _text(value) -> SafeString:
    if value is None or value == "":
        return mark_safe("")
    if isinstance(value, bool):
        return format_html("{}", _("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return format_html("{}", formats.date_format(value, "DATETIME_FORMAT"))
    if isinstance(value, datetime.date):
        return format_html("{}", formats.date_format(value, "DATE_FORMAT"))
    return format_html('<span class="text">{}</span>', str(value))


def _link(url: str, label: str) -> SafeString:
    if not isinstance(url, str) or not url.startswith(("http://", "https://", "/", "mailto:")):
        return _text(label or url)
    return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, label or url)


def _rich_text(source: str) -> SafeString:
    # The API's own sanitiser: what the preview shows is what the front end receives.
    return format_html('<div class="richtext">{}</div>', mark_safe(rich_text_to_api_html(source or "")))


def _image(image, request) -> SafeString:
    if image is None:
        return mark_safe("")
    from media.services import image_visible_publicly

    if request is not None and not getattr(request, "is_preview", False) and not image_visible_publicly(
        image=image, request=request
    ):
        return mark_safe("")
    rendition = image.get_rendition("max-800x800")
    credit = getattr(image, "credit", "")
    return format_html(
        '<figure><img src="{}" width="{}" height="{}" alt="{}">{}</figure>',
        rendition.url, rendition.width, rendition.height, getattr(image, "alt_text", "") or image.title,
        format_html("<figcaption>{}</figcaption>", credit) if credit else "",
    )


def _object(obj, request) -> SafeString:
    """A model instance: an image as a picture, a page or document as a link, anything else as its name."""
    if obj is None:
        return mark_safe("")
    if isinstance(obj, AbstractImage):
        return _image(obj, request)
    url = getattr(obj, "url", None)
    title = getattr(obj, "title", None) or str(obj)
    return _link(url, title) if isinstance(url, str) else _text(title)


def render_block(block, value, request=None) -> SafeString:
    """One block's value as escaped HTML, descending into structs, lists and streams."""
    if value is None:
        return mark_safe("")
    if isinstance(block, blocks.StreamBlock):
        return format_html_join(
            "", '<section class="block"><p class="block-label">{}</p>{}</section>',
            ((child.block.label, render_block(child.block, child.value, request)) for child in value),
        )
    if isinstance(block, blocks.ListBlock):
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((render_block(block.child_block, item, request),) for item in value)),
        )
    if isinstance(block, blocks.StructBlock):
        rows = [
            (child.label, render_block(child, value.get(name), request))
            for name, child in block.child_blocks.items()
        ]
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", (r for r in rows if r[1])))
    if isinstance(block, blocks.RichTextBlock) or isinstance(value, RichText):
        return _rich_text(value.source if isinstance(value, RichText) else str(value))
    if isinstance(block, blocks.URLBlock):
        return _link(value, value)
    if hasattr(value, "url") and not isinstance(value, models.Model):
        return _link(value.url, value.url)  # an embed: a link, never a third-party frame
    if isinstance(value, models.Model):
        return _object(value, request)
    return _text(value)


def _model_field_html(page, field, request) -> SafeString:
    value = getattr(page, field.name)
    if isinstance(field, StreamField):
        return render_block(field.stream_block, value, request)
    if isinstance(field, RichTextField):
        return _rich_text(value)
    if field.many_to_many or field.one_to_many:
        items = list(value.all())
        if field.one_to_many:  # inline children (a region's contacts, a release's images): their own fields
            return format_html("<ul>{}</ul>", format_html_join(
                "", "<li>{}</li>", ((_inline_item(item, parent_field=field.field, request=request),) for item in items)))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((_object(i, request),) for i in items)))
    if field.is_relation:
        return _object(value, request)
    if field.choices:
        return _text(getattr(page, f"get_{field.name}_display")())
    if isinstance(field, models.URLField):
        return _link(value, value)
    return _text(value)


def _inline_item(obj, *, parent_field, request) -> SafeString:
    """One inline child: its own fields and the objects it points at (an image, a document, a contact)."""
    parts = []
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name == "sort_order" or field is parent_field:
            continue
        value = getattr(obj, field.name)
        html = _object(value, request) if field.is_relation else _text(value)
        if html:
            parts.append(html)
    return format_html_join(" · ", "{}", ((part,) for part in parts))


def page_plain_fields(*, page, request=None) -> list[PlainField]:
    """The page's published fields in API order, each as escaped HTML; empty ones left out.

    A field that cannot be shown (a broken reference, a computed field without a
    model attribute) is left out and logged: the rendering never fails.
    """
    page = page.specific
    fields = []
    for api_field in getattr(page, "api_fields", []):
        name = api_field.name
        if name.endswith(SKIPPED_SUFFIXES):
            continue
        try:
            field = page._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # computed for the API only (a region's dialogues): the front end's business
        try:
            html = _model_field_html(page, field, request)
        except Exception:  # noqa: BLE001 - the editor's view of a page must always render
            logger.exception("Plain rendering of %s.%s failed", type(page).__name__, name)
            html = format_html('<span class="broken">{}</span>', _("(cannot be shown)"))
        if html:
            label = getattr(field, "verbose_name", None) or getattr(field.related_model._meta, "verbose_name_plural", name)
            fields.append(PlainField(label=str(label), html=html))
    return fields
