"""A translation is public only once a translator has published it (issue #9, finding 14).

wagtail-localize creates the English page when an editor submits a German one
for translation, and by default gives it the German page's live status: a live
English page with the German text. Three rules keep that from the public:

- WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False (settings): a new
  translation is saved as a draft; the translator's Publish puts it live.
- A synchronised tree (Settings → Locales → "synchronise content") fills the
  English tree with aliases of the German pages, which Wagtail keeps live. They
  are not translations: `pages_translated_only` leaves them out of everything
  public, and when one is turned into a translation it becomes a draft
  (`page_alias_conversion_unpublish`).
- The slug: wagtail-localize offers it as a string to translate and falls back
  to the German one. Once the title is translated, the slug is derived from it
  (`translation_slug_derive`), unless the translator wrote a slug.
"""

from django.db.models import F, QuerySet
from django.utils.text import slugify
from wagtail.models import Page

# Marks a slug this module derived, so a later change of the translated title may derive it again.
DERIVED_SLUG_TOOL = "dialogdesk-slug-from-title"


def pages_translated_only(queryset: QuerySet) -> QuerySet:
    """Leave out aliases of pages in another locale: they show the source language's text."""
    # A subquery on id: the search backends filter only on indexed fields, and id is one.
    aliases_elsewhere = Page.objects.filter(alias_of__isnull=False).exclude(alias_of__locale_id=F("locale_id"))
    return queryset.exclude(id__in=aliases_elsewhere.values("id"))


def page_alias_conversion_unpublish(*, page: Page) -> None:
    """An alias of a page in another locale that becomes a page of its own starts as a draft.

    Called before the save that clears alias_of: what was live so far was the
    source's text, and the translation goes live when it is published.
    """
    previous = (
        Page.objects.filter(pk=page.pk, alias_of__isnull=False).values_list("alias_of__locale_id", flat=True).first()
    )
    if previous is None or previous == page.locale_id:
        return
    page.live = False
    page.has_unpublished_changes = True
    Page.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)


def translation_slug_derive(*, string_translation) -> None:
    """Set a page's translated slug from its translated title, unless a translator chose one."""
    # Imported here: the API serializers import this module while the page models load.
    from wagtail_localize.models import StringSegment, StringTranslation, TranslationContext

    title_context = string_translation.context
    if title_context is None or title_context.path != "title":
        return
    translatable = title_context.object
    if not issubclass(translatable.content_type.model_class(), Page):
        return
    target = Page.objects.filter(translation_key=translatable.translation_key, locale=string_translation.locale)
    if target.filter(live=True, alias_of__isnull=True).exists():
        return  # a published address does not change behind the translator's back
    slug = slugify(string_translation.data)
    slug_context = TranslationContext.objects.filter(object=translatable, path="slug").first()
    if not slug or slug_context is None:
        return
    segment = StringSegment.objects.filter(context=slug_context).order_by("-source_id").first()
    if segment is None:
        return
    existing = StringTranslation.objects.filter(
        translation_of_id=segment.string_id, locale=string_translation.locale, context=slug_context
    ).first()
    if existing is not None and existing.tool_name != DERIVED_SLUG_TOOL:
        return
    StringTranslation.objects.update_or_create(
        translation_of_id=segment.string_id, locale=string_translation.locale, context=slug_context,
        defaults={
            "data": slug,
            "translation_type": StringTranslation.TRANSLATION_TYPE_MACHINE,
            "tool_name": DERIVED_SLUG_TOOL,
            "last_translated_by": string_translation.last_translated_by,
        },
    )
