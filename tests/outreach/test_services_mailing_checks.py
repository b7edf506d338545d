"""Sending is refused while the content still holds the starter layout's placeholders, empty links or no subject."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outreach.models import Mailing, MailingContent
from outreach.services.mailing_checks import content_send_problems
from outreach.services.mailings import mailing_send, mailing_validate_for_send
from outreach.viewsets.mailing_forms import MJML_STARTER
from tests.outreach.sending_fixtures import make_contacts, make_mailing, mail_settings, sender  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

READY = """<mjml><mj-body><mj-section><mj-column>
<mj-text>{{ salutation }}</mj-text><mj-text>Die Dialoge gehen weiter … bis Mai.</mj-text>
<mj-button href="https://www.example.org/anmeldung">Anmelden</mj-button>
</mj-column></mj-section></mj-body></mjml>"""


class ContentSendProblemsTests:
    def test_ready_content_has_none(self):
        assert content_send_problems(locale="de", subject="Einladung", body_mjml=READY) == []

    def test_the_untouched_starter_is_refused_for_its_placeholders_and_its_empty_button(self):
        problems = content_send_problems(locale="de", subject="Einladung", body_mjml=MJML_STARTER)
        assert len(problems) == 2
        assert "2 of the layout's placeholders" in problems[0]
        assert "no address" in problems[1]

    @pytest.mark.parametrize("link", ['href=""', "href='#'", 'href=" https:// "', 'href="http://"'])
    def test_links_without_a_target(self, link):
        body = f'<html><body><p>Text</p><a {link}>hier</a></body></html>'
        assert any("no address" in p for p in content_send_problems(locale="en", subject="S", body_html=body))

    def test_a_button_without_href(self):
        body = READY.replace('<mj-button href="https://www.example.org/anmeldung">', "<mj-button>")
        assert content_send_problems(locale="de", subject="S", body_mjml=body) != []

    def test_a_missing_subject_is_named_with_the_language(self):
        assert content_send_problems(locale="en", subject=" ", body_mjml=READY) == ["English: the subject is missing."]

    def test_an_ellipsis_inside_a_sentence_is_text(self):
        assert content_send_problems(locale="de", subject="S", body_html="<p>Und dann … kam es.</p>") == []


class MailingValidateForSendTests:
    def test_a_mailing_saved_with_the_starter_cannot_be_sent(self, sender):
        mailing = make_mailing(sender=sender, contacts=make_contacts(2), locales=("de",))
        MailingContent.objects.filter(mailing=mailing).update(body_mjml=MJML_STARTER)
        with pytest.raises(ValidationError) as caught:
            mailing_send(mailing=mailing)
        assert any("placeholder" in message for message in caught.value.messages)
        mailing.refresh_from_db()
        assert mailing.status == Mailing.Status.DRAFT and not mailing.messages.exists()

    def test_every_language_needs_its_subject(self, sender):
        mailing = make_mailing(sender=sender, contacts=make_contacts(1))
        MailingContent.objects.filter(mailing=mailing, locale="en").update(subject="")
        with pytest.raises(ValidationError) as caught:
            mailing_validate_for_send(mailing=mailing)
        assert caught.value.messages == ["English: the subject is missing."]

    def test_ready_content_passes(self, sender):
        mailing = make_mailing(sender=sender, contacts=make_contacts(1))
        mailing_validate_for_send(mailing=mailing)


class OverviewTests:
    def test_the_send_button_is_disabled_and_says_why(self, press_client, sender):
        mailing = make_mailing(sender=sender, contacts=make_contacts(2), locales=("de",))
        MailingContent.objects.filter(mailing=mailing).update(body_mjml=MJML_STARTER)
        html = press_client.get(reverse("outreach_mailings:overview", args=[mailing.pk])).content.decode()
        assert "data-send-link" not in html
        assert 'disabled aria-describedby="send-blocked-reason" data-send-blocked' in html
        assert 'id="send-blocked-reason"' in html and "fix the 2 points" in html
        assert "placeholders" in html
        # The confirmation page refuses too, and so does its POST.
        response = press_client.post(reverse("outreach_mailings:send", args=[mailing.pk]))
        assert response.status_code == 400 and b"placeholders" in response.content

    def test_the_edit_button_is_a_plain_labelled_button(self, press_client, sender):
        mailing = make_mailing(sender=sender, contacts=make_contacts(1))
        html = press_client.get(reverse("outreach_mailings:overview", args=[mailing.pk])).content.decode()
        edit = html.split("data-edit-link>")[1].split("</a>")[0]
        assert edit.strip() == "Edit" and "<svg" not in edit
        assert "data-send-link" in html
