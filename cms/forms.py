"""The page editor's form: filing fields and in-page links offer only items in the page's own language."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks.base import BlockField
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.models import TranslatableMixin


def pages_chosen_in_page_language(block, value):
    """The pages a stream value links through page choosers that mean "a page in this language"."""
    from cms.blocks import PageInPageLanguageChooserBlock

    if value is None:
        return
    if isinstance(block, PageInPageLanguageChooserBlock):
        yield value
    elif isinstance(block, blocks.StreamBlock):
        for child in value:
            yield from pages_chosen_in_page_language(child.block, child.value)
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            yield from pages_chosen_in_page_language(child_block, value.get(name))
    elif isinstance(block, blocks.ListBlock):
        for bound in value.bound_blocks:
            yield from pages_chosen_in_page_language(bound.block, bound.value)


class LocalizedChoicesPageForm(WagtailAdminPageForm):
    """Choosers and checkboxes of translatable items (regions, initiatives, topics, ...) list
    only the items in the page's language.

    Without this a German news article offered "Thuringia" next to "Thüringen", and an
    editor could file it under the English region, which the German front end never shows.
    Limiting the queryset also makes the form refuse an item of another language.
    A new page takes its language from the view (the parent's locale) before the form is built.
    Links in the body whose chooser keeps to the page's language (cms/choosers.py) are
    refused too when they point to a page in another language.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_locale_id = self.instance.locale_id or getattr(self.parent_page, "locale_id", None)
        if self.page_locale_id is None:
            return
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and issubclass(queryset.model, TranslatableMixin):
                field.queryset = queryset.filter(locale_id=self.page_locale_id)

    def clean(self):
        cleaned_data = super().clean()
        if self.page_locale_id is None:
            return cleaned_data
        for name, field in self.fields.items():
            if not isinstance(field, BlockField) or name not in cleaned_data:
                continue
            foreign = [page for page in pages_chosen_in_page_language(field.block, cleaned_data[name])
                       if page.locale_id != self.page_locale_id]
            if foreign:
                message = _("These pages are in another language than this page: %(titles)s. "
                            "Choose their translation or a page in this page's language.") % {
                    "titles": ", ".join(page.title for page in foreign)}
                self.add_error(name, StreamBlockValidationError(non_block_errors=ErrorList([ValidationError(message)])))
        return cleaned_data
