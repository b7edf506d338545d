"""Attachments of a mailing written in the admin: upload per language, see them, test-send them, remove them."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outreach.models import Mailing, MailingAttachment
from outreach.services.attachments import mailing_attachment_add
from tests.outreach.sending_fixtures import mail_settings, make_mailing, sender  # noqa: F401
from tests.outreach.test_admin_mailings import audience, english_admin, form_data, read_eml, url  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n\x00\xff\xfe binary tail\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


class AttachmentUploadTests:
    def test_the_form_is_multipart_with_a_file_input_per_language(self, press_client, sender):
        content = press_client.get(url("add")).content.decode()
        assert 'enctype="multipart/form-data"' in content
        assert 'type="file" name="de-attachments" multiple' in content
        assert 'type="file" name="en-attachments" multiple' in content

    def test_a_pdf_attached_to_german_is_listed_and_test_sent_as_a_real_attachment(
        self, press_client, sender, audience, mail_settings,
    ):
        # The browser's claimed type is ignored: the name says PDF.
        data = form_data(sender=sender, contact_list=audience[0], **{
            "de-attachments": [upload("Pressemitteilung.pdf", PDF, "application/x-msdownload"),
                               upload("../Foto Krefeld.jpg", b"\xff\xd8\xff\xe0 jpeg", "text/plain")],
        })
        response = press_client.post(url("add"), data)
        mailing = Mailing.objects.get()
        assert response.status_code == 302 and response["Location"] == url("overview", mailing.pk)
        stored = list(MailingAttachment.objects.filter(mailing=mailing).values_list("locale", "filename", "mimetype"))
        assert stored == [("de", "Pressemitteilung.pdf", "application/pdf"), ("de", "Foto Krefeld.jpg", "image/jpeg")]

        overview = press_client.get(url("overview", mailing.pk)).content.decode()
        german = overview.split('data-attachments="de">')[1].split("</td>")[0]
        english = overview.split('data-attachments="en">')[1].split("</td>")[0]
        assert f"Pressemitteilung.pdf ({len(PDF)}\xa0bytes)" in german and "Foto Krefeld.jpg" in german
        assert "Pressemitteilung.pdf" not in english

        response = press_client.post(url("test_send", mailing.pk), {"addresses": "a@example.org", "locales": ["de"]})
        assert response.status_code == 200
        [path] = (Path(mail_settings.MAIL_OUTBOX_DIR) / f"{mailing.pk}-test").glob("*.eml")
        mail = read_eml(path)
        assert mail.get_content_type() == "multipart/mixed"
        pdf, photo = mail.iter_attachments()
        assert (pdf.get_filename(), pdf.get_content_type(), pdf.get_content_disposition()) == (
            "Pressemitteilung.pdf", "application/pdf", "attachment")
        assert pdf.get_content() == PDF
        assert (photo.get_filename(), photo.get_content_type()) == ("Foto Krefeld.jpg", "image/jpeg")
        assert "Die Industriedialoge gehen weiter" in mail.get_body(("plain",)).get_content()

    def test_a_ticked_file_is_removed_and_a_new_one_added_in_the_same_save(self, press_client, sender, audience):
        mailing = make_mailing(sender=sender, contacts=audience[1])
        old = mailing_attachment_add(mailing=mailing, locale="de", filename="alt.pdf", content=PDF)
        kept = mailing_attachment_add(mailing=mailing, locale="en", filename="release.pdf", content=PDF)
        page = press_client.get(url("edit", mailing.pk)).content.decode()
        assert f"alt.pdf ({len(PDF)}\xa0bytes)" in page and f'name="de-remove_attachments" value="{old.pk}"' in page

        data = form_data(sender=sender, contact_list=audience[0], **{
            "de-remove_attachments": [old.pk], "de-attachments": upload("neu.pdf", PDF),
        })
        response = press_client.post(url("edit", mailing.pk), data)
        assert response.status_code == 302
        assert sorted(MailingAttachment.objects.filter(mailing=mailing).values_list("locale", "filename")) == [
            ("de", "neu.pdf"), ("en", "release.pdf")]
        assert MailingAttachment.objects.filter(pk=kept.pk).exists()
        overview = press_client.get(url("overview", mailing.pk)).content.decode()
        assert "alt.pdf" not in overview and "neu.pdf" in overview


class AttachmentRefusalTests:
    def test_an_oversized_upload_shows_on_the_language_and_saves_nothing(self, press_client, sender, audience,
                                                                           settings):
        settings.MAIL_ATTACHMENT_MAX_BYTES = 1024 * 1024
        data = form_data(sender=sender, contact_list=audience[0], **{
            "de-attachments": upload("Gross.pdf", b"%" * (1024 * 1024 + 1)),
        })
        response = press_client.post(url("add"), data)
        content = response.content.decode()
        assert response.status_code == 200 and not Mailing.objects.exists() and not MailingAttachment.objects.exists()
        german = content.split('data-content-locale="de"')[1].split("</fieldset>")[0]
        assert "at most 1.0\xa0MB are possible" in german and 'id="id_de-attachments"' in german
        assert "at most 1.0\xa0MB are possible" not in content.split('data-content-locale="en"')[1]

    def test_an_oversized_upload_on_edit_changes_nothing(self, press_client, sender, audience, settings):
        settings.MAIL_ATTACHMENT_MAX_BYTES = 1024 * 1024
        mailing = make_mailing(sender=sender, contacts=audience[1])
        big = mailing_attachment_add(mailing=mailing, locale="de", filename="a.pdf", content=b"a" * 800_000)
        data = form_data(sender=sender, contact_list=audience[0], **{
            "de-subject": "Geänderter Betreff", "de-attachments": upload("b.pdf", b"b" * 300_000),
        })
        response = press_client.post(url("edit", mailing.pk), data)
        assert response.status_code == 200 and "are possible, because many mail servers" in response.content.decode()
        assert mailing.contents.get(locale="de").subject == "Einladung zum Industriedialog"
        assert list(MailingAttachment.objects.values_list("pk", flat=True)) == [big.pk]

        # Removing the big file in the same save makes room.
        data["de-remove_attachments"] = [big.pk]
        data["de-attachments"] = upload("b.pdf", b"b" * 300_000)
        assert press_client.post(url("edit", mailing.pk), data).status_code == 302
        assert list(MailingAttachment.objects.values_list("filename", flat=True)) == ["b.pdf"]

    def test_a_program_or_a_file_for_an_empty_language_is_refused(self, press_client, sender, audience):
        data = form_data(sender=sender, contact_list=audience[0], **{
            "de-attachments": upload("setup.exe", b"MZ"),
            "en-subject": "", "en-body": "", "en-attachments": upload("release.pdf", PDF),
        })
        response = press_client.post(url("add"), data)
        content = response.content.decode()
        assert response.status_code == 200 and not Mailing.objects.exists()
        assert "setup.exe: programs and scripts (.exe) cannot be attached" in content
        assert "Files can only be attached to a language with subject and body." in content
