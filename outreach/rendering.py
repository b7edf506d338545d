"""Turning a mailing's content into mail bodies: once per locale, then cheaply per recipient.

render_content() does the expensive part once per locale: MJML to HTML, the
footer with imprint and unsubscribe link, the plain-text part. The result
still holds merge fields ({{ first_name }} ...). compile_template() splits it
into literal parts and field names, so that personalising a recipient is one
str.join over a list.

Why not Django's template engine for the merge fields: the rendered HTML is
someone else's markup (MJML output, pasted newsletters) in which "{%" or
"{{ x }}" may occur and must stay as they are; an unknown field must survive
verbatim rather than vanish; and per recipient we want no parsing and no
context machinery at all, only the join. Six known names, one regex, done.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass

from mjml import mjml2html

from outreach.rendering_text import html_to_text

# personal_note is filled only where the mailing's source provides it (outreach.mailable.RECIPIENT_FIELDS).
# art14_notice: the Art. 14 GDPR notice, empty for everyone but the contacts who are owed it (outreach.notices);
# a per-recipient value like the others, so the footer is still rendered once per locale.
MERGE_FIELDS = ("salutation", "first_name", "last_name", "full_name", "email", "unsubscribe_url", "personal_note",
                "art14_notice")
_MERGE_FIELD = re.compile(r"\{\{\s*(" + "|".join(MERGE_FIELDS) + r")\s*\}\}")

# How often each expensive step ran in this process. Tests read it to prove that
# MJML is rendered once per locale and never per recipient; it is also cheap to log.
render_counts: Counter = Counter()

FOOTER_TEXTS = {
    "de": {
        "why": "Sie erhalten diese E-Mail, weil Ihre Adresse in unserem Presse- oder Newsletter-Verteiler steht.",
        "unsubscribe": "Abmelden",
        "unsubscribe_text": "Abmelden: {{ unsubscribe_url }}",
    },
    "en": {
        "why": "You receive this e-mail because your address is on our press or newsletter list.",
        "unsubscribe": "Unsubscribe",
        "unsubscribe_text": "Unsubscribe: {{ unsubscribe_url }}",
    },
}


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


@dataclass(frozen=True)
class CompiledTemplate:
    """Literal parts at even positions, merge-field names at odd positions."""

    parts: tuple[str, ...]

    def render(self, values: dict[str, str]) -> str:
        parts = list(self.parts)
        for index in range(1, len(parts), 2):
            parts[index] = values[parts[index]]
        return "".join(parts)


def compile_template(text: str) -> CompiledTemplate:
    # re.split with one capturing group alternates literal, name, literal, ...
    return CompiledTemplate(tuple(_MERGE_FIELD.split(text)))


def mjml_to_html(source: str) -> str:
    render_counts["mjml"] += 1
    # fonts={}: MJML's default imports Ubuntu from Google Fonts into every mail (see strip_remote_styles).
    return mjml2html(source, fonts={})


# A stylesheet or font fetched from another host tells that host who opened the mail, and when
# (LG München I, 3 O 17493/20 on Google Fonts). Mails use the fonts the reader already has.
_REMOTE = r"""\s*["']?(?:https?:)?//"""
_REMOTE_LINK = re.compile(r"<link\b[^>]*?\bhref\s*=" + _REMOTE + r"[^>]*>", re.IGNORECASE)
_REMOTE_IMPORT = re.compile(r"@import\s+(?:url\()?" + _REMOTE + r"[^;]*;?", re.IGNORECASE)
_REMOTE_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*url\(" + _REMOTE + r"[^}]*\}", re.IGNORECASE)


def strip_remote_styles(markup: str) -> str:
    """Remove <link>s to another host, and @import and @font-face rules that fetch from one.

    Covers MJML's mj-font and default fonts, and what an HTML body brings. Images and
    links in the content are the editor's own choice and stay.
    """
    markup = _REMOTE_LINK.sub("", markup)
    markup = _REMOTE_IMPORT.sub("", markup)
    return _REMOTE_FONT_FACE.sub("", markup)


_SCRIPT = re.compile(r"<script\b[^>]*>.*?(</script\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*\s*/?>")
_EVENT_ATTRIBUTE = re.compile(r"""\s+on[a-zA-Z]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""", re.IGNORECASE)


def strip_scripts(markup: str) -> str:
    """Remove <script> elements and on* event attributes, and nothing else.

    nh3 (ammonia) is an allow-list cleaner that parses a body fragment: it
    drops <html>, <head>, <style> and the MSO conditional comments that MJML
    output and e-mail layouts depend on. We trust the editors' markup and
    only take out what no mail client should run.
    """
    markup = _SCRIPT.sub("", markup)
    return _TAG.sub(lambda match: _EVENT_ATTRIBUTE.sub("", match.group(0)), markup)


def _insert_after_body_open(markup: str, fragment: str) -> str:
    match = re.search(r"<body\b[^>]*>", markup, re.IGNORECASE)
    if match is None:
        return fragment + markup
    return markup[: match.end()] + fragment + markup[match.end():]


def _insert_before_body_close(markup: str, fragment: str) -> str:
    index = markup.lower().rfind("</body>")
    if index < 0:
        return markup + fragment
    return markup[:index] + fragment + markup[index:]


def footer_html(*, imprint: str, locale: str) -> str:
    texts = FOOTER_TEXTS.get(locale, FOOTER_TEXTS["en"])
    imprint_html = "<br>".join(html.escape(line) for line in imprint.strip().splitlines())
    return (
        '<div class="dialogdesk-footer" style="max-width:600px;margin:0 auto;padding:24px 16px;'
        'font-family:Arial,Helvetica,sans-serif;font-size:12px;line-height:1.5;color:#555555;">'
        "<div>{{ art14_notice }}</div>"
        f"<p>{html.escape(texts['why'])} "
        f'<a href="{{{{ unsubscribe_url }}}}" style="color:#555555;">{html.escape(texts["unsubscribe"])}</a></p>'
        f"<p>{imprint_html}</p></div>"
    )


def footer_text(*, imprint: str, locale: str) -> str:
    texts = FOOTER_TEXTS.get(locale, FOOTER_TEXTS["en"])
    return f"\n\n-- \n{{{{ art14_notice }}}}{texts['why']}\n{texts['unsubscribe_text']}\n\n{imprint.strip()}\n"


def preheader_html(preheader: str) -> str:
    # Shown by mail clients next to the subject, hidden in the message itself.
    return (
        '<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;'
        f'overflow:hidden;mso-hide:all;">{html.escape(preheader)}</div>'
    )


def render_content(
    *, locale: str, body_mjml: str = "", body_html: str = "", body_text: str = "", preheader: str = "",
    imprint: str = "",
) -> Rendered:
    """Render one locale: HTML with footer and preheader, and the plain-text part. Merge fields stay in.

    Raises ValueError if there is neither MJML nor HTML.
    """
    if body_mjml.strip():
        markup = mjml_to_html(body_mjml)
    elif body_html.strip():
        markup = body_html
    else:
        raise ValueError("Nothing to render: give MJML or HTML.")
    markup = strip_remote_styles(strip_scripts(markup))
    text = body_text.strip() or html_to_text(markup)
    if preheader:
        markup = _insert_after_body_open(markup, preheader_html(preheader))
    markup = _insert_before_body_close(markup, footer_html(imprint=imprint, locale=locale))
    return Rendered(html=markup, text=text.rstrip() + footer_text(imprint=imprint, locale=locale))


def salutation(*, locale: str, kind: str, academic_title: str = "", first_name: str = "", last_name: str = "") -> str:
    """The opening line: "Sehr geehrte Frau Dr. Schmidt," / "Dear Ms Schmidt," / "Guten Tag Anna Schmidt,"."""
    german = locale.split("-")[0] == "de"
    if kind in ("ms", "mr") and last_name:
        if german:
            opening = "Sehr geehrte Frau" if kind == "ms" else "Sehr geehrter Herr"
            return " ".join(p for p in (opening, academic_title, last_name) if p) + ","
        # English puts a doctor's title in place of Ms/Mr ("Dear Dr Schmidt").
        honorific = academic_title or ("Ms" if kind == "ms" else "Mr")
        return f"Dear {honorific} {last_name},"
    name = " ".join(p for p in (first_name, last_name) if p)
    if german:
        return f"Guten Tag {name}," if name else "Guten Tag,"
    return f"Dear {name}," if name else "Hello,"

