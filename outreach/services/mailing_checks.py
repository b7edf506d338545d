"""Is the written content ready to go out? Left-overs of the starter layout, links without a target, no subject.

A new mailing starts from a skeleton ("…" as text, a button to "https://"). Saved
unchanged it is valid MJML and would be sent as it is; these checks are what
keeps that from happening. mailing_validate_for_send() calls them, so the
overview, the confirmation page and the send itself all refuse alike.
"""

import re

from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# An element whose whole text is an ellipsis: the starter's "write here" mark (not an ellipsis in a sentence).
_PLACEHOLDER_TEXT = re.compile(r">\s*(?:…|\.\.\.)\s*<")
# href="", href="#", href="https://", href="http://" (also with spaces or single quotes).
_EMPTY_LINK = re.compile(r"""\bhref\s*=\s*(["'])\s*(?:#|https?://)?\s*\1""", re.IGNORECASE)
# A button or link element with no href at all.
_LINK_WITHOUT_HREF = re.compile(r"<(?:mj-button|a)\b(?![^>]*\bhref\s*=)[^>]*>", re.IGNORECASE)
_EMPTY_IMAGE = re.compile(r"""<(?:mj-image|img)\b[^>]*\bsrc\s*=\s*(["'])\s*(?:https?://)?\s*\1""", re.IGNORECASE)


def language_name(locale: str) -> str:
    try:
        return str(get_language_info(locale)["name_translated"])
    except KeyError:
        return locale


def content_send_problems(*, locale: str, subject: str, body_mjml: str = "", body_html: str = "") -> list[str]:
    """What in one language's content must be fixed before sending, in words for the press officer."""
    name = language_name(locale)
    body = body_mjml if body_mjml.strip() else body_html
    problems = []
    if not subject.strip():
        problems.append(_("%(language)s: the subject is missing.") % {"language": name})
    if not body.strip():
        problems.append(_("%(language)s: the text is missing.") % {"language": name})
        return problems
    placeholders = len(_PLACEHOLDER_TEXT.findall(body))
    if placeholders:
        problems.append(ngettext(
            "%(language)s: the text still holds the layout's placeholder \u201e…\u201c; replace it with your text.",
            "%(language)s: the text still holds %(count)s of the layout's placeholders \u201e…\u201c; replace them "
            "with your text.", placeholders) % {"language": name, "count": placeholders})
    empty_links = len(_EMPTY_LINK.findall(body)) + len(_LINK_WITHOUT_HREF.findall(body))
    if empty_links:
        problems.append(ngettext(
            "%(language)s: a link or button has no address (empty or only \u201ehttps://\u201c); enter where it leads.",
            "%(language)s: %(count)s links or buttons have no address (empty or only \u201ehttps://\u201c); enter "
            "where they lead.", empty_links) % {"language": name, "count": empty_links})
    if _EMPTY_IMAGE.search(body):
        problems.append(_("%(language)s: an image has no address.") % {"language": name})
    return problems
