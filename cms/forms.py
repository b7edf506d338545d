"""The page editor's form: filing fields offer only items in the page's own language."""

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import TranslatableMixin


class LocalizedChoicesPageForm(WagtailAdminPageForm):
    """Choosers and checkboxes of translatable items (regions, initiatives, topics, ...) list
    only the items in the page's language.

    Without this a German news article offered "Thuringia" next to "Thüringen", and an
    editor could file it under the English region, which the German front end never shows.
    Limiting the queryset also makes the form refuse an item of another language.
    A new page takes its language from the view (the parent's locale) before the form is built.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale_id = self.instance.locale_id or getattr(self.parent_page, "locale_id", None)
        if locale_id is None:
            return
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and issubclass(queryset.model, TranslatableMixin):
                field.queryset = queryset.filter(locale_id=locale_id)
