"""A newsletter issue as MJML: one document per locale and topic combination, built from the blocks' templates.

The engine turns the MJML into HTML and text once per (locale, variant) and personalises per recipient by
joining merge fields in (outreach.rendering); this module only assembles MJML, which is cheap. A block whose
template or markup fails is named in an IssueRenderError, so the admin can say which block to fix.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from outreach.mailable import mjml_render

_HEAD = re.compile(r"<mj-head\b[^>]*>(.*?)</mj-head\s*>", re.IGNORECASE | re.DOTALL)
_BODY = re.compile(r"<mj-body\b[^>]*>(.*)</mj-body\s*>", re.IGNORECASE | re.DOTALL)
# A head element that would fetch from another host; the engine strips what MJML makes of it anyway.
_HEAD_FONT = re.compile(r"<mj-font\b[^>]*?(?:/>|>.*?</mj-font\s*>)", re.IGNORECASE | re.DOTALL)
_WRAP = "<mjml><mj-body>{}</mj-body></mjml>"


class IssueRenderError(ValidationError):
    """A ValidationError, so that the engine's views show it as a message (never a 500)."""

    def __init__(self, *, position: int, label: str, reason: str):
        self.position, self.label, self.reason = position, label, reason
        if position:
            message = _("Block %(position)s (“%(label)s”) cannot be rendered: %(reason)s") % {
                "position": position, "label": label, "reason": reason}
        else:
            message = _("The issue cannot be rendered: %(reason)s") % {"reason": reason}
        super().__init__(message)


def topic_key(topic) -> str:
    """A short stable name of a topic in every language (its translation key's start): variant keys list them."""
    return str(topic.translation_key)[:8]


@dataclass(frozen=True)
class Fragment:
    head: str
    body: str


def split_document(source: str) -> Fragment:
    """A custom block may hold a whole <mjml> document: its <mj-head> goes into the issue's head, its
    <mj-body> children into the body. Anything else is taken as body content."""
    if "<mjml" not in source.lower():
        return Fragment(head="", body=source)
    head = _HEAD.search(source)
    body = _BODY.search(source)
    head_markup = _HEAD_FONT.sub("", head.group(1)) if head else ""
    # An mj-title or mj-preview per block would fight the issue's own.
    head_markup = re.sub(r"<mj-(title|preview)\b[^>]*>.*?</mj-\1\s*>", "", head_markup, flags=re.I | re.S)
    return Fragment(head=head_markup, body=body.group(1) if body else "")


def _render_block(child, *, topic_keys: set[str] | None, personal: bool, heads: list[str]) -> str:
    block = child.block
    if block.name == "topic_section":
        topic = child.value.get("topic")
        if topic_keys is not None and (topic is None or topic_key(topic) not in topic_keys):
            return ""
        children = "".join(_render_block(inner, topic_keys=topic_keys, personal=personal, heads=heads)
                           for inner in child.value["content"])
        return render_to_string(block.meta.mjml_template, {
            "heading": child.value.get("heading"), "topic_name": topic.name if topic else "", "children": children,
        })
    context = block.mjml_context(child.value)
    if block.name == "custom_mjml":
        fragment = split_document(context["source"])
        heads.append(fragment.head)
        context = {"source": fragment.body}
    if block.name == "intro" and not personal:
        context = {**context, "greeting": False}
    return render_to_string(block.meta.mjml_template, context)


def issue_mjml(*, page, topic_keys: set[str] | None = None, personal: bool = True) -> str:
    """The issue's MJML. topic_keys: topic_key()s of the topics whose sections are in (None: all, for
    previews and the archive). personal=False leaves out merge fields (the archive names nobody).

    Raises IssueRenderError naming the first block that fails, its template or its MJML.
    """
    heads: list[str] = []
    parts = []
    for position, child in enumerate(page.body, start=1):
        try:
            fragment = _render_block(child, topic_keys=topic_keys, personal=personal, heads=heads)
        except Exception as exc:  # noqa: BLE001 - a broken block must be named, whatever broke in it
            raise IssueRenderError(position=position, label=str(child.block.label), reason=str(exc)) from exc
        parts.append((position, child, fragment))
    newsletter = page.newsletter
    document = render_to_string("newsletters/mjml/issue.mjml", {
        "locale": page.locale.language_code, "title": page.title, "head": "".join(heads),
        "newsletter_name": newsletter.name(page.locale.language_code) if newsletter else "",
        "body": "".join(fragment for _position, _child, fragment in parts),
    })
    return document


def issue_check(*, page) -> list[IssueRenderError]:
    """Every block that does not render (template or MJML), each named; [] when the issue renders.

    MJML is checked per block only when the whole document fails, so a good issue costs one render.
    """
    try:
        mjml_render(issue_mjml(page=page))
        return []
    except IssueRenderError as exc:
        errors = [exc]
    except ValueError as exc:
        errors = []
        whole = str(exc)
        for position, child in enumerate(page.body, start=1):
            try:
                mjml_render(_WRAP.format(_render_block(child, topic_keys=None, personal=True, heads=[])))
            except Exception as block_exc:  # noqa: BLE001
                errors.append(IssueRenderError(position=position, label=str(child.block.label), reason=str(block_exc)))
        if not errors:
            errors.append(IssueRenderError(position=0, label="", reason=whole))
    return errors
