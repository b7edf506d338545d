"""Which links are tracked and how a locale's HTML is compiled with them: the definition the redirect relies on."""

from html.parser import HTMLParser

import pytest

from outreach.rendering import compile_template, render_content
from outreach.tracking.links import (
    OPEN_PIXEL_FIELD,
    compile_tracked,
    link_urls,
    trackable_links,
)
from outreach.tracking.tokens import (
    click_signature,
    click_signature_valid,
    click_url,
    open_pixel_url,
    open_signature,
    open_signature_valid,
)
from tests.corpus import corpus_file, corpus_params

MJML_CORPUS = "mjml-email-templates"

BODY = """<html><body>
<a href="https://example.org/a?x=1&amp;y=2">A</a>
<a class="btn" title="a > b" href='https://example.org/b'>B</a>
<A HREF=http://example.org/c>C</A>
<a href="mailto:presse@example.org">mail</a> <a href="tel:+4930123">call</a> <a name="top">anchor</a>
<a href="https://example.org/p?email={{ email }}">personal</a> {{ salutation }}
<area shape="rect" href="https://example.org/d">
<link rel="stylesheet" href="https://fonts.example.org/css"><img src="https://example.org/logo.png">
<a href="{{ unsubscribe_url }}">Abmelden</a>
</body></html>"""


class _Anchors(HTMLParser):
    """An independent reading (html.parser): every http(s) href of <a>/<area> that holds no merge field."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag in ("a", "area") else None
        if href and href.strip().lower().startswith(("http://", "https://")) and "{{" not in href:
            self.urls.append(href.strip())

    def handle_comment(self, data):
        # Outlook's conditional comments hold markup that Outlook renders (MJML's carousel fallback):
        # its links are links for Outlook's readers and are tracked too.
        if data.startswith("[if"):
            inner = _Anchors()
            inner.feed(data.partition(">")[2])
            self.urls.extend(inner.urls)


def anchors(markup: str) -> list[str]:
    parser = _Anchors()
    parser.feed(markup)
    return parser.urls


class ExtractionTests:
    def test_http_links_in_order_unescaped_and_nothing_else(self):
        assert link_urls(BODY) == [
            "https://example.org/a?x=1&y=2", "https://example.org/b", "http://example.org/c", "https://example.org/d",
        ]

    def test_spans_cover_exactly_the_attribute_value(self):
        for span in trackable_links(BODY):
            assert BODY[span.start:span.end].replace("&amp;", "&") == span.url

    def test_our_own_urls_are_not_tracked_again(self, settings):
        settings.WAGTAILADMIN_BASE_URL = "https://dialogdesk.example"
        markup = '<a href="https://dialogdesk.example/o/u/abc/def/">u</a><a href="https://dialogdesk.example/presse/">p</a>'
        assert link_urls(markup) == ["https://dialogdesk.example/presse/"]

    @pytest.mark.parametrize("path", corpus_params(MJML_CORPUS, "*.mjml"))
    def test_the_corpus_agrees_with_an_html_parser(self, path):
        path = corpus_file(path, MJML_CORPUS)
        rendered = render_content(locale="en", body_mjml=path.read_text(encoding="utf-8"), imprint="Impressum")
        assert link_urls(rendered.html) == anchors(rendered.html)


class CompileTests:
    def test_tracking_off_is_plain_merge_field_compilation(self):
        compiled, tracking = compile_tracked(BODY, track_opens=False, track_clicks=False)
        assert compiled == compile_template(BODY) and tracking.link_fields == () and not tracking.has_pixel

    def test_links_and_pixel_become_per_recipient_fields(self, settings):
        settings.WAGTAILADMIN_BASE_URL = "https://dialogdesk.example/"
        compiled, tracking = compile_tracked(BODY, track_opens=True, track_clicks=True)
        assert compiled.parts[1::2] == (
            "link:0", "link:1", "link:2", "email", "salutation", "link:3", "unsubscribe_url", OPEN_PIXEL_FIELD,
        )
        values = tracking.values("tok")
        assert values == {
            OPEN_PIXEL_FIELD: open_pixel_url("tok"),
            **{f"link:{n}": click_url("tok", n) for n in range(4)},
        }
        html = compiled.render({**values, "email": "a@example.org", "salutation": "Hallo,", "unsubscribe_url": "U"})
        assert 'href="https://dialogdesk.example/o/c/tok/0/' in html and "example.org/a?" not in html
        assert "href='https://dialogdesk.example/o/c/tok/1/" in html
        assert "HREF=https://dialogdesk.example/o/c/tok/2/" in html
        assert 'href="mailto:presse@example.org"' in html and 'href="tel:+4930123"' in html
        assert 'href="https://example.org/p?email=a@example.org"' in html and 'href="U"' in html
        assert '<img src="https://example.org/logo.png">' in html
        assert html.index(open_pixel_url("tok")) < html.index("</body>")
        assert anchors(html)[:3] == [click_url("tok", n) for n in range(3)]

    def test_clicks_only_or_opens_only(self):
        clicks, tracking = compile_tracked(BODY, track_opens=False, track_clicks=True)
        assert OPEN_PIXEL_FIELD not in clicks.parts and len(tracking.link_fields) == 4
        opens, tracking = compile_tracked(BODY, track_opens=True, track_clicks=False)
        assert opens.parts[1::2] == ("email", "salutation", "unsubscribe_url", OPEN_PIXEL_FIELD)
        assert tracking.link_fields == ()

    def test_without_a_body_element_the_pixel_goes_last(self):
        compiled, _tracking = compile_tracked("<p>Hallo</p>", track_opens=True, track_clicks=True)
        assert compiled.render({OPEN_PIXEL_FIELD: "P"}).startswith('<p>Hallo</p><img src="P"')


class SignatureTests:
    def test_signatures_bind_token_and_index(self):
        assert click_signature_valid("tok", 3, click_signature("tok", 3))
        assert not click_signature_valid("tok", 4, click_signature("tok", 3))
        assert not click_signature_valid("tol", 3, click_signature("tok", 3))
        assert not click_signature_valid("tok", 3, "0" * 24)
        assert open_signature_valid("tok", open_signature("tok"))
        # Different salts: an open signature is no click signature and vice versa.
        assert not open_signature_valid("tok", click_signature("tok", 0))

    def test_the_key_is_the_secret_key_and_rotation_keeps_old_links_working(self, settings):
        old_secret, old = settings.SECRET_KEY, click_signature("tok", 0)
        settings.SECRET_KEY = "a-new-secret-key-for-this-test-only-0123456789"
        assert click_signature("tok", 0) != old and not click_signature_valid("tok", 0, old)
        settings.SECRET_KEY_FALLBACKS = [old_secret]
        assert click_signature_valid("tok", 0, old) and click_signature_valid("tok", 0, click_signature("tok", 0))
