"""Page choosers that offer only pages in the language of the page being edited.

Wagtail's page chooser pop-up is one set of views for every field, and its request
carries nothing about the page it was opened from. A field whose value must be in
the page's own language (a German page's button links to a German page) uses
``PageInPageLanguageChooser`` (the block: cms.blocks.PageInPageLanguageChooserBlock): its pop-up opens through ``choose_page_in_page_language``,
which reads the page being edited from the editor's address (the pop-up's Referer,
sent in full to the same origin) and hands over to Wagtail's chooser with
``in_language=<code>``. Wagtail keeps every query parameter while the editor browses
and searches in the pop-up, and the ``construct_page_chooser_queryset`` hook
(cms/wagtail_hooks.py) limits each listing to that language.
"""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Locale, Page

LANGUAGE_PARAMETER = "in_language"


class PageInPageLanguageChooser(AdminPageChooser):
    chooser_modal_url_name = "cms_choose_page_in_page_language"


def edited_page_locale(*, editor_url: str) -> Locale | None:
    """The language of the page an admin page editor address is for: the page's own
    (edit) or its parent's (add). None for any other screen."""
    try:
        match = resolve(urlsplit(editor_url).path)
    except Resolver404:
        return None
    if match.view_name == "wagtailadmin_pages:edit":
        page_id = match.kwargs.get("page_id")
    elif match.view_name == "wagtailadmin_pages:add":
        page_id = match.kwargs.get("parent_page_id")
    else:
        return None
    page = Page.objects.filter(pk=page_id).select_related("locale").first()
    return page.locale if page else None


def choose_page_in_page_language(request: HttpRequest, parent_page_id: int | None = None) -> HttpResponseRedirect:
    """Wagtail's page chooser, told the language of the page it was opened from."""
    params = request.GET.copy()
    locale = edited_page_locale(editor_url=request.headers.get("Referer", ""))
    if locale is not None and parent_page_id is not None:
        # Wagtail opens the pop-up at the chosen page's parent; for a page of another language
        # that is the parent's translation, or the root when it has none.
        parent = Page.objects.filter(pk=parent_page_id).first()
        if parent is not None and parent.depth > 1 and parent.locale_id != locale.pk:
            translation = parent.get_translation_or_none(locale)
            parent_page_id = translation.pk if translation else None
    if parent_page_id is None:
        target = reverse("wagtailadmin_choose_page")
    else:
        target = reverse("wagtailadmin_choose_page_child", args=[parent_page_id])
    if locale is not None:
        params[LANGUAGE_PARAMETER] = locale.language_code
        # At the tree's root Wagtail lists the home pages of the language it is given.
        params["locale"] = locale.language_code
    return HttpResponseRedirect(f"{target}?{params.urlencode()}" if params else target)


def pages_in_requested_language(pages, request: HttpRequest):
    """The chooser's pages, limited to the language a chooser of this module asked for."""
    language = request.GET.get(LANGUAGE_PARAMETER)
    if not language:
        return pages
    # By the locale's key: the search backend filters on Page's indexed "locale" field only.
    return pages.filter(locale_id=Locale.objects.filter(language_code=language).values("pk")[:1])
