"""A one-off mailing written with blocks (text, image, button, divider), no MJML needed; MJML stays the expert option."""

import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from outreach.blocks import mailing_blocks_to_mjml
from outreach.models import ContactList, Mailing
from outreach.rendering import render_content, render_counts
from outreach.services.mailings import mailing_save, mailing_validate_for_send
from tests.cms.factories import CreditedImageFactory
from tests.outreach.sending_fixtures import make_contacts, mail_settings, sender  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

BLOCKS = [
    {"type": "text", "value": '<p>{{ salutation }}</p><p>Der Dialog geht weiter: <a href="/aktuelles/">Aktuelles</a> '
                              "&lt;b&gt;roh&lt;/b&gt;</p>"},
    {"type": "divider", "value": None},
    {"type": "button", "value": {"label": "Jetzt <anmelden>", "page": None, "url": "https://example.org/anmeldung"}},
]


@pytest.fixture
def audience(sender):
    contact_list = ContactList.objects.create(name="Presse Blöcke")
    for contact in make_contacts(2):
        contact_list.memberships.create(contact=contact)
    return contact_list


def test_blocks_become_one_mjml_document_with_complete_addresses(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://cms.example.org"
    image = CreditedImageFactory(title="Hafen", credit="Foto: Stadt Krefeld")
    from outreach.blocks import MailingBodyBlock

    value = MailingBodyBlock().to_python(BLOCKS + [{"type": "image", "value": {"image": image.pk, "caption": "Am Hafen"}}])
    mjml = mailing_blocks_to_mjml(value)
    assert mjml.startswith("<mjml>") and mjml.count("<mj-text>") == 1
    assert 'href="https://cms.example.org/aktuelles/"' in mjml  # a relative link made complete
    assert '<mj-button href="https://example.org/anmeldung"' in mjml and "Jetzt &lt;anmelden&gt;" in mjml
    assert "<mj-divider" in mjml
    assert 'src="https://cms.example.org/media/images/' in mjml and "Am Hafen · Foto: Stadt Krefeld" in mjml
    rendered = render_content(locale="de", body_mjml=mjml, imprint="N3tzwerk")
    assert "{{ salutation }}" in rendered.html  # merge fields survive for the per-recipient step
    assert "&lt;b&gt;roh&lt;/b&gt;" in rendered.html and "<b>roh" not in rendered.html


def test_the_service_saves_blocks_and_makes_the_mjml_the_render_path_uses(sender, audience):
    mailing = mailing_save(mailing=None, values={"title": "Blöcke", "sender": sender}, lists=[audience],
                           contents={"de": {"subject": "Einladung", "body_blocks": BLOCKS}})
    content = mailing.contents.get()
    assert len(content.body_blocks) == 3
    assert "<mj-button" in content.body_mjml and content.body_html == ""
    mailing_validate_for_send(mailing=mailing)  # no skeleton left-overs: sendable


def test_write_preview_and_edit_a_blocks_mailing_in_the_admin(press_client, sender, audience):
    data = nested_form_data({
        "title": "Mit Bausteinen", "sender": sender.pk, "when": "now", "scheduled_at": "",
        "de-subject": "Einladung", "de-preheader": "", "de-body_format": "blocks", "de-body": "", "de-body_text": "",
        "de-body_blocks": streamfield([
            ("text", rich_text("<p>{{ salutation }}</p><p>Am 12. Mai in Krefeld.</p>")),
            ("divider", ""),
            ("button", {"label": "Anmelden", "page": "", "url": "https://example.org/anmeldung"}),
        ]),
        "en-subject": "", "en-preheader": "", "en-body_format": "blocks", "en-body": "", "en-body_text": "",
    })
    response = press_client.post(reverse("outreach_mailings:add"), {**data, "lists": [audience.pk]})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    mailing = Mailing.objects.get(title="Mit Bausteinen")
    content = mailing.contents.get()
    assert [block.block_type for block in content.body_blocks] == ["text", "divider", "button"]
    before = render_counts["mjml"]
    preview = press_client.get(reverse("outreach_mailings:preview", args=[mailing.pk, "de"])).content.decode()
    assert render_counts["mjml"] == before + 1  # rendered through the one MJML path, once for this locale
    assert "Am 12. Mai in Krefeld." in preview and "https://example.org/anmeldung" in preview
    # The edit form opens on the blocks, with the editor's scripts.
    edit = press_client.get(reverse("outreach_mailings:edit", args=[mailing.pk])).content.decode()
    assert 'id="de-body_blocks"' in edit and "telepath" in edit
    chosen = re.search(r'<input[^>]*name="de-body_format"[^>]*value="blocks"[^>]*>', edit).group(0)
    assert "checked" in chosen


def test_an_untouched_blocks_starter_leaves_the_language_out(press_client, sender, audience):
    data = nested_form_data({
        "title": "Nur Englisch", "sender": sender.pk, "when": "now", "scheduled_at": "",
        "de-subject": "", "de-preheader": "", "de-body_format": "blocks", "de-body": "", "de-body_text": "",
        "de-body_blocks": streamfield([("text", rich_text("<p>{{ salutation }}</p>"))]),
        "en-subject": "Invitation", "en-preheader": "", "en-body_format": "blocks", "en-body": "", "en-body_text": "",
        "en-body_blocks": streamfield([("text", rich_text("<p>Dear all, see you in May.</p>"))]),
    })
    response = press_client.post(reverse("outreach_mailings:add"), {**data, "lists": [audience.pk]})
    assert response.status_code == 302
    assert list(Mailing.objects.get(title="Nur Englisch").contents.values_list("locale", flat=True)) == ["en"]


def test_raw_mjml_stays_the_expert_option(press_client, sender, audience):
    mjml = "<mjml><mj-body><mj-section><mj-column><mj-text>Roh</mj-text></mj-column></mj-section></mj-body></mjml>"
    data = {"title": "Experte", "sender": sender.pk, "lists": [audience.pk], "when": "now", "scheduled_at": "",
            "de-subject": "Roh", "de-preheader": "", "de-body_format": "mjml", "de-body": mjml, "de-body_text": "",
            "en-subject": "", "en-preheader": "", "en-body_format": "blocks", "en-body": "", "en-body_text": ""}
    response = press_client.post(reverse("outreach_mailings:add"), data)
    assert response.status_code == 302, [f.errors for f in response.context["content_forms"]]
    content = Mailing.objects.get(title="Experte").contents.get()
    assert content.body_mjml == mjml and len(content.body_blocks) == 0


def test_the_press_office_can_choose_and_upload_images_for_the_image_block(press_client):
    chooser = press_client.get(reverse("wagtailimages_chooser:choose"))
    assert chooser.status_code == 200
    assert "image-chooser-upload-file" in chooser.content.decode()  # the chooser's upload tab
    assert press_client.get(reverse("wagtailimages:add")).status_code == 200
