"""The new text of a reply, without the quoted history.

email-reply-parser (a port of GitHub's parser) strips "On ... wrote:" headers,
">" quotes and signatures, but knows English only. German mail clients write
"Am 16.01.2017 um 10:00 schrieb ...:" (Thunderbird, Apple Mail, Gmail in
German) and Outlook "-----Ursprüngliche Nachricht-----" or a "Von:/Gesendet:"
block without any quote marks, so we cut at those markers by hand first and
hand the rest to the library.

HTML-only replies are turned into text with BeautifulSoup (already installed
through Wagtail); the quoted part is removed from the HTML first, where the
mail clients still mark it (blockquote, Gmail's gmail_quote, Outlook's
divRplyFwdMsg), since that structure is gone once it is text.
"""

import re

from bs4 import BeautifulSoup
from email_reply_parser import EmailReplyParser

from outreach.inbound.parse import own_parts, part_text

# Each pattern marks the first line of the quoted history; everything from there on goes.
# Quote headers may be wrapped by the client ("... schrieb Presse <" / "presse@example.org>:"), so they
# may span lines, never a blank one.
_WRAPPED = r"(?:[^\n]|\n(?!\s*\n)){0,300}?"
_TIME = r"\b\d{1,2}[:.]\d{2}\b"
_HISTORY_MARKERS = [
    # Thunderbird/Apple Mail/Gmail in German, then English and French. All of them put a time in the
    # header; requiring it keeps "Am Freitag ... schrieb mir dazu:" in the reply.
    re.compile(rf"^[ \t]*Am {_WRAPPED}{_TIME}{_WRAPPED}schrieb{_WRAPPED}:[ \t]*$", re.MULTILINE),
    re.compile(rf"^[ \t]*On {_WRAPPED}{_TIME}{_WRAPPED}wrote{_WRAPPED}:[ \t]*$", re.MULTILINE),
    re.compile(rf"^[ \t]*Le {_WRAPPED}{_TIME}{_WRAPPED}a écrit{_WRAPPED}:[ \t]*$", re.MULTILINE),
    re.compile(r"^[ \t]*-{2,}\s*(Ursprüngliche Nachricht|Original Message|Originalnachricht)\s*-{2,}",
               re.MULTILINE | re.IGNORECASE),
    # Outlook without a separator line: "Von: ...", then "Gesendet:"/"Sent:" (or "Datum:"/"Date:").
    re.compile(r"^[ \t]*\*?(Von|From):\*?[ \t][^\n]+\n[ \t]*\*?(Gesendet|Sent|Datum|Date):\*?[ \t]", re.MULTILINE),
    # Outlook's underline separator before that block.
    re.compile(r"^[ \t]*_{20,}[ \t]*\n(?=[ \t]*\*?(Von|From):)", re.MULTILINE),
]
_BLOCK_TAGS = ["p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr", "pre"]
_QUOTED_HTML = [
    "blockquote", ".gmail_quote", ".gmail_attr", ".moz-cite-prefix", "#divRplyFwdMsg", "#appendonsend",
    ".OutlookMessageHeader", "div[type=cite]",
]


def cut_history(text: str) -> str:
    text = text.replace("\r\n", "\n")
    cut = min((found.start() for pattern in _HISTORY_MARKERS if (found := pattern.search(text))), default=len(text))
    return text[:cut]


def html_to_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "head", "title"]):
        element.decompose()
    for selector in _QUOTED_HTML:
        for element in soup.select(selector):
            # Outlook puts the history after #appendonsend / inside #divRplyFwdMsg as siblings: drop them too.
            if selector in ("#divRplyFwdMsg", "#appendonsend"):
                for sibling in list(element.find_next_siblings()):
                    sibling.decompose()
            element.decompose()
    # Line breaks only where the layout has them: get_text("\n") would also split "<b>Von:</b> Name".
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(_BLOCK_TAGS):
        block.insert_after("\n")
    text = soup.get_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def body_text(message) -> str:
    """The mail's own text: text/plain if there is one, else its HTML as text; attachments are skipped."""
    leaves = [part for part in own_parts(message) if part.get_content_disposition() != "attachment"]
    plain = [part for part in leaves if part.get_content_type() == "text/plain"]
    if plain:
        return part_text(plain[0])
    html = [part for part in leaves if part.get_content_type() == "text/html"]
    return html_to_text(part_text(html[0])) if html else ""


def reply_text(message) -> str:
    """The reply as its author wrote it: quoted history and signature removed."""
    text = cut_history(body_text(message))
    return EmailReplyParser.parse_reply(text).strip()
