"""Rich text as the front end receives it: links resolved, markup sanitised.

Wagtail's editor already whitelists what it stores, but rich text also arrives
through imports, the shell and migrations. The API is the only way content
leaves the CMS, so everything it returns is cleaned once more with nh3.
"""

import nh3
from wagtail.rich_text import expand_db_html

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "li", "ol", "p", "strong", "sub", "sup", "ul", "img", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height"},
}


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def rich_text_to_api_html(stored_html: str) -> str:
    """Expand Wagtail's internal link and embed references, then sanitise."""
    return sanitise_html(expand_db_html(stored_html or ""))
