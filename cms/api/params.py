"""The grammar of the public API's query parameters, shared by the OpenAPI schema and the views.

The schema (cms.api.schema) publishes these bounds and patterns, and
`query_parameters_validate` enforces the very same ones before any filter
runs, so what the schema calls valid is what the server accepts. Anything
outside them is a 400 with a message: NUL and other control characters
(PostgreSQL refuses NUL in text), ids beyond PostgreSQL's integer, searches
long enough to exhaust the search backend's recursive query parser.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _
from wagtail.api.v2.utils import BadRequestError

# PostgreSQL's integer column: larger ids cannot exist.
ID_MAX = 2**31 - 1
# Deep paging is what filters and search are for; beyond this a client is scanning.
OFFSET_MAX = 100_000
# Wagtail's database search backend parses a query recursively, one level per
# term, and exhausts Python's stack at about 170 terms; 200 characters allow
# at most 100.
SEARCH_MAX_LENGTH = 200

# No C0 control characters and no DEL, anywhere in a query string.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
PRINTABLE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
NON_EMPTY_PRINTABLE_PATTERN = r"^[^\x00-\x1f\x7f]+$"

_NAME = r"[A-Za-z0-9_]+"
_LEAF_LIST = rf"(?:\*|-?{_NAME})(?:,-?{_NAME})*"
_NESTED_ITEM = rf"(?:{_NAME}\({_LEAF_LIST}\)|-?{_NAME})"
_NESTED_LIST = rf"(?:\*|{_NESTED_ITEM})(?:,{_NESTED_ITEM})*"
_ITEM = rf"(?:{_NAME}\({_NESTED_LIST}\)|-?{_NAME})"
# ?fields=: Wagtail's grammar ('title,-summary', '*,-body', 'regions(title)'),
# nested at most two levels deep.
FIELDS_PATTERN = rf"^(?:(?:\*|{_ITEM})(?:,{_ITEM})*)?$"
FIELDS_MAX_LENGTH = 500
# ?order=: 'random', or field names, each optionally with '-' for descending.
ORDER_PATTERN = rf"^(?:random|-?{_NAME}(?:,-?{_NAME})*)?$"
ORDER_MAX_LENGTH = 200
# ?region=, ?initiative=, ?topic=: an id or a slug (ASCII slugs only).
ID_OR_SLUG_PATTERN = r"^[-A-Za-z0-9_]+$"
SLUG_MAX_LENGTH = 255
# ?site=: hostname, optionally with :port.
SITE_PATTERN = r"^[-A-Za-z0-9.]+(?::[0-9]{1,5})?$"
CHILD_OF_PATTERN = r"^(?:root|[1-9][0-9]{0,9})$"
CONTENT_TYPE_PATTERN = r"^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$"
TEXT_MAX_LENGTH = 2000
SEARCH_OPERATORS = ("and", "or")

ID_PARAMETERS = ("id", "translation_of", "descendant_of", "ancestor_of")
PATTERNS = {
    "fields": (FIELDS_PATTERN, FIELDS_MAX_LENGTH),
    "order": (ORDER_PATTERN, ORDER_MAX_LENGTH),
    "region": (ID_OR_SLUG_PATTERN, SLUG_MAX_LENGTH),
    "initiative": (ID_OR_SLUG_PATTERN, SLUG_MAX_LENGTH),
    "topic": (ID_OR_SLUG_PATTERN, SLUG_MAX_LENGTH),
    "site": (SITE_PATTERN, SLUG_MAX_LENGTH),
    "child_of": (CHILD_OF_PATTERN, 10),
    "content_type": (CONTENT_TYPE_PATTERN, SLUG_MAX_LENGTH),
    "search": (PRINTABLE_PATTERN, SEARCH_MAX_LENGTH),
    "html_path": (PRINTABLE_PATTERN, TEXT_MAX_LENGTH),
    "token": (NON_EMPTY_PRINTABLE_PATTERN, TEXT_MAX_LENGTH),
}
_COMPILED = {name: (re.compile(pattern), max_length) for name, (pattern, max_length) in PATTERNS.items()}
_DIGITS = re.compile(r"^[0-9]{1,20}$")


def limit_max() -> int:
    return settings.WAGTAILAPI_LIMIT_MAX


def query_parameters_validate(*, params, known: frozenset[str]) -> None:
    """Raise BadRequestError for the first query parameter outside the published grammar.

    Every name and value is checked for control characters; the grammar applies
    to the endpoint's `known` parameters (others are Wagtail's field filters,
    or unknown, which Wagtail refuses itself).
    """
    for name, values in params.lists():
        if CONTROL_CHARACTERS.search(name):
            raise BadRequestError(_("Query parameter names must not contain control characters."))
        for value in values:
            if CONTROL_CHARACTERS.search(value):
                raise BadRequestError(_("%(name)s must not contain control characters.") % {"name": name})
            if name in known:
                _value_validate(name, value)
    if "search_operator" in params:
        if params["search_operator"] not in SEARCH_OPERATORS:
            raise BadRequestError(_("search_operator must be 'and' or 'or'."))
        if "search" not in params:
            raise BadRequestError(_("search_operator needs a search."))


def _value_validate(name: str, value: str) -> None:
    if name in ID_PARAMETERS:
        _integer_validate(name, value, minimum=1, maximum=ID_MAX)
    elif name == "limit":
        _integer_validate(name, value, minimum=1, maximum=limit_max())
    elif name == "offset":
        _integer_validate(name, value, minimum=0, maximum=OFFSET_MAX)
    elif name in _COMPILED:
        pattern, max_length = _COMPILED[name]
        if len(value) > max_length:
            raise BadRequestError(
                _("%(name)s must be at most %(max)d characters long.") % {"name": name, "max": max_length}
            )
        if not pattern.match(value):
            if name == "child_of":
                raise BadRequestError(_("child_of must be 'root' or a page id."))
            raise BadRequestError(_("%(name)s is malformed.") % {"name": name})
    elif name == "type":
        page_types_validate(value)


def _integer_validate(name: str, value: str, *, minimum: int, maximum: int) -> None:
    if not _DIGITS.match(value) or not minimum <= int(value) <= maximum:
        raise BadRequestError(
            _("%(name)s must be an integer from %(min)d to %(max)d.") % {"name": name, "min": minimum, "max": maximum}
        )


def page_type_labels() -> list[str]:
    from wagtail.models import Page, get_page_models

    return [Page._meta.label] + [model._meta.label for model in get_page_models() if model is not Page]


def page_types_validate(value: str) -> None:
    """?type= names page models exactly as app_label.ModelName, comma-separated."""
    labels = set(page_type_labels())
    if value and any(label not in labels for label in value.split(",")):
        raise BadRequestError(
            _("Unknown page type '%(type)s'. Name page types as app_label.ModelName, e.g. cms.NewsArticlePage.")
            % {"type": value}
        )
