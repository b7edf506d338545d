"""The plain-text part of a mail, generated from its HTML when the editor wrote none.

Mail layouts are tables nested in tables; what a reader of the text part needs
is the words in order, paragraphs apart, and every link's address next to its
text. Hidden preheaders, <head>, styles and MSO conditionals are left out.
"""

import re
from html.parser import HTMLParser

_BLOCKS = {
    "p", "div", "br", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "hr",
    "section", "article", "header", "footer", "center",
}
_SKIPPED = {"head", "style", "script", "title", "noscript"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[tuple[str, int]] = []
        # While skipping, only the skipped element's own tag name is counted, so
        # that unclosed <p> or <li> inside it cannot keep us skipping forever.
        self.skip_tag: str | None = None
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if self.skip_tag:
            self.skip_depth += tag == self.skip_tag
            return
        attributes = dict(attrs)
        hidden = "display:none" in (attributes.get("style") or "").replace(" ", "").lower()
        if tag in _SKIPPED or hidden:
            if tag not in _VOID:
                self.skip_tag, self.skip_depth = tag, 1
            return
        if tag in _BLOCKS:
            self.chunks.append("\n" if tag in ("br", "li", "tr") else "\n\n")
        if tag == "li":
            self.chunks.append("- ")
        if tag in ("td", "th"):
            self.chunks.append(" ")
        if tag == "a":
            self.links.append((attributes.get("href") or "", len(self.chunks)))
        if tag == "img" and attributes.get("alt"):
            self.chunks.append(attributes["alt"])

    def handle_endtag(self, tag):
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if not self.skip_depth:
                    self.skip_tag = None
            return
        if tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.chunks[start:]).strip()
            if href and not href.startswith(("#", "mailto:")) and href != label:
                self.chunks.append(f" ({href})" if label else href)
        if tag in _BLOCKS:
            self.chunks.append("\n" if tag in ("li", "tr") else "\n\n")

    def handle_data(self, data):
        if not self.skip_tag:
            self.chunks.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    text = "".join(collector.chunks)
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
