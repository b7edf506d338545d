"""Dates in wagtail-localize's translation comments, in the admin user's language.

wagtail-localize formats "Translated manually on {date}" with ``strftime("%-d %B %Y")``,
which always gives English month names ("6 December 2026") whatever the language.
Its comment is read by the translation editor's serializer straight from
``StringTranslation.get_comment``, so there is no setting or template to hook into;
the method is replaced at app start with one that formats through Django
(localized month names, Europe/Berlin). Texts are wagtail-localize's own msgids.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def string_translation_comment(translation) -> str | None:
    """The comment wagtail-localize shows under a translated string, with a localized date."""
    date = date_format(timezone.localtime(translation.updated_at), "DATE_FORMAT")
    if translation.tool_name:
        return _("Translated with {tool_name} on {date}").format(tool_name=translation.tool_name, date=date)
    if translation.translation_type == translation.TRANSLATION_TYPE_MANUAL:
        return _("Translated manually on {date}").format(date=date)
    if translation.translation_type == translation.TRANSLATION_TYPE_MACHINE:
        return _("Machine translated on {date}").format(date=date)
    return None


def localized_translation_comments_install() -> None:
    from wagtail_localize.models import StringTranslation

    StringTranslation.get_comment = string_translation_comment
