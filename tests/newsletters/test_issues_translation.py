"""Issues are translated through wagtail-localize like any page: every block's text becomes a segment, and
the translated issue is mailed to the English subscribers."""

import pytest
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, TranslationSource

from newsletters.mailable import issue_mailable_content, issue_mailable_locales
from tests.newsletters.issues import full_body, make_issue

pytestmark = pytest.mark.django_db


def test_wagtail_localize_translates_the_blocks_and_the_english_issue_is_mailed(newsletter, superuser):
    a, b = list(newsletter.topics.order_by("pk")[:2])
    issue = make_issue(newsletter, body=full_body(topic_a=a, topic_b=b))
    source, _created = TranslationSource.get_or_create_from_instance(issue)
    strings = set(source.stringsegment_set.values_list("string__data", flat=True))
    assert {"Juli 2026", "Nur für Thema A", "Abschnitt A", "Werkhalle", "Zum Programm"} <= strings

    english = Locale.objects.get(language_code="en")
    for segment in source.stringsegment_set.select_related("string"):
        text = segment.string.data.replace("Abschnitt", "Section").replace("Juli", "July")
        StringTranslation.objects.update_or_create(translation_of=segment.string, locale=english,
                                                   context=segment.context, defaults={"data": text})
    translated, _created = source.create_or_update_translation(english, user=superuser, publish=True,
                                                               copy_parent_pages=True, fallback=True)
    assert translated.title == "July 2026"
    assert issue_mailable_locales(issue=issue) == ["de", "en"]
    content = issue_mailable_content(issue=issue, locale="en", variant=",".join(sorted(
        [str(a.translation_key)[:8], str(b.translation_key)[:8]])))
    assert "Section A" in content.mjml and "Section B" in content.mjml and "Abschnitt" not in content.mjml
