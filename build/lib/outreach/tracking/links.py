"""The trackable links of a rendered body, and the body compiled once per locale with them rewritten.

trackable_links() is the single definition of "link number n" of a locale:
personalisation rewrites link n to /o/c/<token>/<n>/<signature>/, and the
redirect looks link n up again with the same function in the same stored
rendered_html. So the redirect can only lead to a URL that was in the mail,
and there is no per-link table to migrate or keep in sync.

Left as they are (and not numbered): mailto:, tel: and anything not http(s);
hrefs holding a merge field (the unsubscribe link, personalised URLs, which
a shared lookup could not reproduce); and our own /o/ URLs.
"""

import html
import re
from dataclasses import dataclass

from outreach.rendering import CompiledTemplate, compile_template
from outreach.tracking.tokens import click_signature, open_signature, tracking_base_url

OPEN_PIXEL_FIELD = "open_pixel_url"

# An <a> or <area> start tag, attribute by attribute, so that ">" inside a quoted value does not end it.
_ANCHOR = re.compile(
    r"<(?:a|area)(?=[\s/>])((?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>", re.IGNORECASE
)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_TRACKABLE_SCHEME = re.compile(r"https?://", re.IGNORECASE)

# Split around the URL: the pixel's src is a per-recipient field like a link's href.
PIXEL_BEFORE = '<img src="'
PIXEL_AFTER = '" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0;">'


@dataclass(frozen=True)
class LinkSpan:
    """Where a trackable href value sits in the markup (without its quotes), and the URL it means."""

    start: int
    end: int
    url: str


def _own_prefix() -> str:
    return tracking_base_url() + "/o/"


def trackable_links(markup: str) -> list[LinkSpan]:
    """The http(s) links of a rendered body in document order; a link's index in this list is its number."""
    own = _own_prefix()
    links = []
    for anchor in _ANCHOR.finditer(markup):
        offset = anchor.start(1)
        for attribute in _ATTRIBUTE.finditer(anchor.group(1)):
            if attribute.group(1).lower() != "href" or attribute.group(2) is None:
                continue
            raw, start = attribute.group(2), offset + attribute.start(2)
            if raw[:1] in "\"'":
                raw, start = raw[1:-1], start + 1
            url = html.unescape(raw).strip()
            if "{{" in raw or "}}" in raw or not _TRACKABLE_SCHEME.match(url) or url.startswith(own):
                break
            links.append(LinkSpan(start=start, end=start + len(raw), url=url))
            break  # the first href counts, as in browsers
    return links


def link_urls(markup: str) -> list[str]:
    return [link.url for link in trackable_links(markup)]


def _split_for_pixel(markup: str) -> tuple[str, str]:
    index = markup.lower().rfind("</body>")
    if index < 0:
        index = len(markup)
    return markup[:index] + PIXEL_BEFORE, PIXEL_AFTER + markup[index:]


@dataclass(frozen=True)
class Tracking:
    """What a locale's compiled HTML expects per recipient besides the merge fields."""

    link_fields: tuple[str, ...] = ()
    has_pixel: bool = False
    base_url: str = ""

    def values(self, token: str) -> dict[str, str]:
        """The pixel URL and one signed redirect URL per link: string joins and one HMAC each."""
        values = {}
        if self.has_pixel:
            values[OPEN_PIXEL_FIELD] = f"{self.base_url}/o/o/{token}/{open_signature(token)}.gif"
        prefix = f"{self.base_url}/o/c/{token}/"
        for index, field in enumerate(self.link_fields):
            values[field] = f"{prefix}{index}/{click_signature(token, index)}/"
        return values


def compile_tracked(markup: str, *, track_opens: bool, track_clicks: bool) -> tuple[CompiledTemplate, Tracking]:
    """Compile a locale's rendered HTML with the pixel added and the links replaced by per-recipient fields.

    The result has the shape of compile_template(): literals at even positions,
    field names at odd ones, where the names now include "link:<n>" and
    OPEN_PIXEL_FIELD. With both flags off it is exactly compile_template(markup).
    """
    spans = trackable_links(markup) if track_clicks else []
    # Alternating literal markup and per-recipient field names; each literal still holds merge fields.
    pieces, position = [], 0
    for index, span in enumerate(spans):
        pieces += [markup[position:span.start], f"link:{index}"]
        position = span.end
    rest = markup[position:]
    if track_opens:
        before, after = _split_for_pixel(rest)
        pieces += [before, OPEN_PIXEL_FIELD, after]
    else:
        pieces.append(rest)
    parts = list(compile_template(pieces[0]).parts)
    for index in range(1, len(pieces), 2):
        parts.append(pieces[index])
        parts.extend(compile_template(pieces[index + 1]).parts)
    fields = tuple(pieces[index] for index in range(1, len(pieces), 2) if pieces[index] != OPEN_PIXEL_FIELD)
    tracking = Tracking(link_fields=fields, has_pixel=track_opens, base_url=tracking_base_url())
    return CompiledTemplate(tuple(parts)), tracking
