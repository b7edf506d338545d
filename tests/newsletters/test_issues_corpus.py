"""Real MJML e-mails nobody here wrote render through the same pipeline as the issue's custom MJML block."""

import pytest

from newsletters.mailable import issue_mailable_content
from newsletters.rendering import issue_check
from outreach.mailable import mail_content_render
from tests.corpus import corpus_file, corpus_params
from tests.newsletters.issues import block, make_issue

pytestmark = pytest.mark.django_db
FOLDER = "mjml-email-templates"


@pytest.mark.parametrize("path", corpus_params(FOLDER, "*.mjml"))
def test_a_corpus_template_renders_as_a_custom_block(path, newsletter):
    source = corpus_file(path, FOLDER).read_text(encoding="utf-8")
    issue = make_issue(newsletter, title=path.stem, body=[block("intro", {"greeting": True, "text": "<p>Hallo</p>"}),
                                                          block("custom_mjml", source)])
    assert issue_check(page=issue) == []
    content = issue_mailable_content(issue=issue, locale="de", variant="")
    html, text = mail_content_render(content, locale="de", imprint=newsletter.sender.imprint)
    assert "<body" in html and "{{ unsubscribe_url }}" in html and text.strip()
    # The engine strips every font or stylesheet from another host (mj-font, Google Fonts).
    assert "fonts.googleapis" not in html and "@import" not in html
