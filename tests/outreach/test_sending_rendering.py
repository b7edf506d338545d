"""Rendering: once per locale, footer and imprint, merge fields, salutations, the real MJML corpus."""

from html.parser import HTMLParser

import pytest

from outreach import rendering
from outreach.rendering import compile_template, render_content, salutation, strip_scripts
from outreach.rendering_text import html_to_text
from tests.corpus import corpus_file, corpus_folder, corpus_params

MJML_CORPUS = "mjml-email-templates"


class _Runnable(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.found.append(tag)
        self.found.extend(name for name, _value in attrs if name.lower().startswith("on"))


def runnable(markup: str) -> list[str]:
    parser = _Runnable()
    parser.feed(markup)
    return parser.found


class SalutationTests:
    @pytest.mark.parametrize("kind, title, first, last, locale, expected", [
        ("ms", "Dr.", "Anna", "Schmidt", "de", "Sehr geehrte Frau Dr. Schmidt,"),
        ("mr", "", "Jan", "Berg", "de", "Sehr geehrter Herr Berg,"),
        ("neutral", "", "Anna", "Schmidt", "de", "Guten Tag Anna Schmidt,"),
        ("", "", "", "", "de", "Guten Tag,"),
        ("ms", "", "Anna", "Schmidt", "en", "Dear Ms Schmidt,"),
        ("mr", "Dr", "Jan", "Berg", "en", "Dear Dr Berg,"),
        ("neutral", "", "Anna", "Schmidt", "en", "Dear Anna Schmidt,"),
        ("ms", "", "Anna", "", "de", "Guten Tag Anna,"),  # no last name: no formal address possible
    ])
    def test_forms(self, kind, title, first, last, locale, expected):
        assert salutation(locale=locale, kind=kind, academic_title=title, first_name=first, last_name=last) == expected


class MergeFieldTests:
    def test_compiled_template_alternates_literals_and_names(self):
        compiled = compile_template("<p>{{ salutation }}</p><p>{{first_name}} {{ unknown }} {% x %}</p>")

        assert compiled.parts[1::2] == ("salutation", "first_name")
        assert compiled.render({"salutation": "Hallo,", "first_name": "Anna"}) == (
            "<p>Hallo,</p><p>Anna {{ unknown }} {% x %}</p>"  # anything else stays as the editor wrote it
        )

    def test_without_fields_it_is_one_literal(self):
        assert compile_template("plain").parts == ("plain",)


class RenderContentTests:
    def test_mjml_is_rendered_with_footer_imprint_preheader_and_text_part(self):
        rendered = render_content(
            locale="de", preheader="Kurz gesagt",
            body_mjml="<mjml><mj-body><mj-section><mj-column><mj-text>{{ salutation }} Hallo</mj-text>"
                      "</mj-column></mj-section></mj-body></mjml>",
            imprint="Bündnis Zukunft der Industrie\nWilhelmstraße 1",
        )

        assert "{{ salutation }} Hallo" in rendered.html
        assert '<a href="{{ unsubscribe_url }}"' in rendered.html and ">Abmelden</a>" in rendered.html
        assert "Bündnis Zukunft der Industrie<br>Wilhelmstraße 1" in rendered.html
        assert rendered.html.index("Kurz gesagt") < rendered.html.index("Hallo")
        assert rendered.html.rstrip().endswith("</html>")
        assert rendered.text.startswith("{{ salutation }} Hallo")
        assert "Kurz gesagt" not in rendered.text  # the preheader is hidden, not body text
        assert "Abmelden: {{ unsubscribe_url }}" in rendered.text and "Wilhelmstraße 1" in rendered.text

    def test_html_is_taken_as_given_but_scripts_and_handlers_go(self):
        given = ('<html><body onload="track()"><p class="x" ONCLICK=\'a()\' title="onion">Hi <b>there</b></p>'
                 "<script>alert(1)</script><style>p{color:red}</style><!--[if mso]><table><![endif]--></body></html>")

        rendered = render_content(locale="en", body_html=given, imprint="Imprint")

        assert runnable(rendered.html) == []
        assert '<p class="x" title="onion">Hi <b>there</b></p>' in rendered.html
        assert "<style>p{color:red}</style><!--[if mso]><table><![endif]-->" in rendered.html
        assert ">Unsubscribe</a>" in rendered.html

    def test_editor_text_part_wins_over_the_generated_one(self):
        rendered = render_content(locale="de", body_html="<p>HTML</p>", body_text="Eigener Text", imprint="I")
        assert rendered.text.startswith("Eigener Text\n\n-- \n")

    def test_nothing_to_render(self):
        with pytest.raises(ValueError):
            render_content(locale="de", imprint="I")

    def test_script_stripping_keeps_everything_else(self):
        assert strip_scripts('<a href="x" onmouseover=go>x</a><SCRIPT src=x></SCRIPT>') == '<a href="x">x</a>'


class TextPartTests:
    def test_links_lists_and_hidden_parts(self):
        text = html_to_text(
            '<div style="display: none">hidden<div>nested</div></div><h1>Titel</h1><p>Siehe '
            '<a href="https://example.org/a">hier</a>.<ul><li>eins<li>zwei</ul><table><tr><td>a</td><td>b</td></tr>'
        )
        assert text == "Titel\n\nSiehe hier (https://example.org/a).\n\n- eins\n- zwei\n\na b"


class CorpusTests:
    @pytest.mark.parametrize("path", corpus_params(MJML_CORPUS, "*.mjml"))
    def test_every_template_renders(self, path):
        path = corpus_file(path, MJML_CORPUS)
        before = rendering.render_counts["mjml"]

        rendered = render_content(locale="en", body_mjml=path.read_text(encoding="utf-8"), preheader="Preview",
                                  imprint="Bündnis Zukunft der Industrie")

        assert rendering.render_counts["mjml"] == before + 1
        assert "<html" in rendered.html and "{{ unsubscribe_url }}" in rendered.html
        assert runnable(rendered.html) == []
        assert rendered.text.strip() and "Unsubscribe: {{ unsubscribe_url }}" in rendered.text

    def test_the_corpus_is_complete(self):
        assert len(list(corpus_folder(MJML_CORPUS).glob("*.mjml"))) == 25
