"""Admin screens of press: the press contacts and boilerplates a release is assembled from, and coverage."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from press.models import Boilerplate, PressContact
from press.viewsets_coverage import ClippingViewSet


class PressContactViewSet(SnippetViewSet):
    model = PressContact
    icon = "user"
    menu_label = _("Press contacts of releases")
    list_display = ["name", "function", "organisation", "email", "phone"]
    search_fields = ["name", "organisation"]
    ordering = ["name"]


class BoilerplateViewSet(SnippetViewSet):
    model = Boilerplate
    icon = "doc-full"
    menu_label = _("Boilerplates")
    list_display = ["name", "heading", "locale"]
    search_fields = ["name"]
    ordering = ["name"]


class PressViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Press releases")
    menu_icon = "doc-full-inverse"
    menu_order = 250
    items = (PressContactViewSet, BoilerplateViewSet, ClippingViewSet)
