"""Finding 11 of issue #9: mails and the mailing preview load no fonts or styles from another host.

MJML's default adds Google Fonts (a link and an @import), so every recipient
who opens a mail, and every officer who previews one, would tell Google their
address. Images and links an editor put into the content are the editor's.
"""

import html
import re
from pathlib import Path

import pytest
from django.urls import reverse

from outreach.models import MailingContent
from outreach.rendering import render_content
from outreach.services.mailings import mailing_send
from tests.cms.test_security_third_parties import foreign_urls
from tests.outreach.sending_fixtures import mail_settings, make_contacts, make_mailing, sender  # noqa: F401

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "mjml-email-templates"
_REMOTE_CSS = re.compile(
    r"<link\b[^>]*href=[\"']?(?:https?:)?//|@import\s+(?:url\()?\s*[\"']?(?:https?:)?//|@font-face[^}]*url\(\s*[\"']?"
    r"(?:https?:)?//",
    re.I,
)


def remote_css(markup: str) -> list[str]:
    found = [markup[m.start():m.start() + 120] for m in _REMOTE_CSS.finditer(markup)]
    if "fonts.googleapis" in markup or "fonts.gstatic" in markup:
        found.append("fonts.googleapis/fonts.gstatic")
    return found


def test_mjml_default_fonts_are_not_imported():
    mjml = ("<mjml><mj-body><mj-section><mj-column><mj-text>Guten Tag</mj-text>"
            "</mj-column></mj-section></mj-body></mjml>")
    rendered = render_content(locale="de", body_mjml=mjml, imprint="Pressestelle")
    assert "Guten Tag" in rendered.html
    assert remote_css(rendered.html) == []


def test_fonts_an_editor_names_are_not_fetched_either():
    mjml = ('<mjml><mj-head><mj-font name="Raleway" href="https://fonts.googleapis.com/css?family=Raleway" />'
            '<mj-style>@import url("https://cdn.example.net/x.css"); .a { color: red; }</mj-style></mj-head>'
            '<mj-body><mj-section><mj-column><mj-text font-family="Raleway, Arial">Hallo</mj-text>'
            "</mj-column></mj-section></mj-body></mjml>")
    rendered = render_content(locale="de", body_mjml=mjml, imprint="Pressestelle")
    assert remote_css(rendered.html) == [] and ".a { color: red; }" in rendered.html
    body_html = ('<html><head><link rel="stylesheet" href="//fonts.googleapis.com/css?family=Lato">'
                 "<style>@font-face { font-family: X; src: url(https://fonts.gstatic.com/x.woff2); }</style>"
                 "</head><body><p>Hallo</p></body></html>")
    rendered = render_content(locale="de", body_html=body_html, imprint="Pressestelle")
    assert remote_css(rendered.html) == [] and "<p>Hallo</p>" in rendered.html


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the MJML corpus is not at {CORPUS}")
@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.mjml")) if CORPUS.is_dir() else [])
def test_no_corpus_template_loads_remote_fonts_or_styles(name):
    rendered = render_content(locale="de", body_mjml=(CORPUS / name).read_text(), imprint="Pressestelle")
    assert remote_css(rendered.html) == []


def test_the_frozen_mail_and_the_admin_preview_have_no_third_party_url(press_client, mail_settings, sender):  # noqa: F811
    mailing = make_mailing(sender=sender, contacts=make_contacts(1, prefix="schriften"))
    response = press_client.get(reverse("outreach_mailings:preview", args=[mailing.pk, "de"]))
    assert response.status_code == 200
    page = response.content.decode()
    frame = html.unescape(re.search(r'srcdoc="([^"]*)"', page).group(1))
    assert "Abmelden" in frame
    assert remote_css(page) == [] and remote_css(frame) == []
    assert foreign_urls(page) == [] and foreign_urls(frame) == []

    mailing_send(mailing=mailing)
    for content in MailingContent.objects.filter(mailing=mailing):
        assert content.rendered_html and remote_css(content.rendered_html) == []
        assert foreign_urls(content.rendered_html) == []
