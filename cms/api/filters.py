"""One filter backend per query parameter the project adds to the pages API."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.filters import FieldsFilter, SearchFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Locale, Page

from cms.api.visibility import pages_visible


class StrictFieldsFilter(FieldsFilter):
    """?<field>=<value>; a value the field cannot hold (?date=abc) is a 400, not a 500."""

    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except (ValidationError, ValueError) as e:
            messages = e.messages if isinstance(e, ValidationError) else [str(e)]
            raise BadRequestError(_("Invalid field filter: %(error)s") % {"error": " ".join(messages)}) from e


class StrictSearchFilter(SearchFilter):
    """?search=; Wagtail raises ValueError (a 500) for ?search_operator=xor."""

    def filter_queryset(self, request, queryset, view):
        operator = request.GET.get("search_operator")
        if "search" in request.GET and operator not in (None, "and", "or"):
            raise BadRequestError(_("search_operator must be 'and' or 'or'."))
        return super().filter_queryset(request, queryset, view)


class StrictLocaleFilter(BaseFilterBackend):
    """?locale=de|en. An unknown locale is a client error (400), not an empty 404."""

    def filter_queryset(self, request, queryset, view):
        if "locale" not in request.GET:
            return queryset
        code = request.GET["locale"]
        locale = Locale.objects.filter(language_code=code).first()
        if locale is None:
            known = ", ".join(Locale.objects.order_by("language_code").values_list("language_code", flat=True))
            raise BadRequestError(_("Unknown locale '%(code)s'. Known locales: %(known)s.") % {"code": code, "known": known})
        filtered_by_child_of = getattr(queryset, "_filtered_by_child_of", None)
        queryset = queryset.filter(locale=locale)
        if filtered_by_child_of:
            queryset._filtered_by_child_of = filtered_by_child_of
        return queryset


class _RelationFilter(BaseFilterBackend):
    """Filters on a many-to-many link by the linked object's translation key.

    The linked object is named by id or slug in any locale, so ?region=12 finds
    German and English content alike.
    """

    parameter: str
    field_name: str

    def get_target_model(self):
        raise NotImplementedError

    def resolve_translation_key(self, value: str, request):
        model = self.get_target_model()
        lookup = Q(id=int(value)) if value.isascii() and value.isdigit() else Q(slug=value)
        candidates = model.objects.filter(lookup)
        if issubclass(model, Page):
            # A draft or private page answers exactly as a missing one: no oracle for its slug or id.
            candidates = pages_visible(candidates, request=request)
        keys = list(candidates.values_list("translation_key", flat=True).distinct())
        if not keys:
            raise BadRequestError(
                _("No %(name)s matches '%(value)s'.") % {"name": self.parameter, "value": value}
            )
        return keys

    def filter_queryset(self, request, queryset, view):
        value = request.GET.get(self.parameter)
        if value is None:
            return queryset
        keys = self.resolve_translation_key(value.strip(), request)
        filed_models = self._filed_models(queryset.model)
        if not filed_models:
            raise BadRequestError(
                _("The %(name)s filter does not apply to %(type)s.")
                % {"name": self.parameter, "type": queryset.model._meta.label}
            )
        # Filtering by id subqueries (rather than joining the link table) keeps
        # the queryset searchable: Wagtail's search backends only accept
        # filters on indexed fields such as id, never on joined relations.
        condition = {f"{self.field_name}__translation_key__in": keys}
        query = Q()
        for filed_model in filed_models:
            query |= Q(id__in=filed_model.objects.filter(**condition).values("id"))
        return queryset.filter(query)

    def _filed_models(self, model) -> list:
        candidates = _page_models() if model is Page else [model]
        return [m for m in candidates if any(f.name == self.field_name for f in m._meta.get_fields())]


def _page_models():
    from wagtail.models import get_page_models

    return get_page_models()


class RegionFilter(_RelationFilter):
    parameter = "region"
    field_name = "regions"

    def get_target_model(self):
        from cms.models import RegionPage

        return RegionPage


class InitiativeFilter(_RelationFilter):
    parameter = "initiative"
    field_name = "initiatives"

    def get_target_model(self):
        from cms.models import InitiativePage

        return InitiativePage


class TopicFilter(_RelationFilter):
    parameter = "topic"
    field_name = "topics"

    def get_target_model(self):
        from cms.models import Topic

        return Topic
