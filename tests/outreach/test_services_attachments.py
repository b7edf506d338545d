"""outreach.services.attachments: files a press officer attaches to a one-off mailing, per language."""

import pytest
from django.core.exceptions import ValidationError

from outreach.models import Mailing, MailingAttachment
from outreach.services.attachments import (
    attachment_filename_safe,
    attachment_problems,
    mailing_attachment_add,
    mailing_attachment_remove,
)
from outreach.services.mailings import mailing_save
from tests.outreach.sending_fixtures import MJML_DE, make_mailing, sender  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% Pressemitteilung\n"


class MailingAttachmentAddTests:
    def test_adds_a_file_to_one_language_and_removes_it_again(self, sender):
        mailing = make_mailing(sender=sender)
        attachment = mailing_attachment_add(mailing=mailing, locale="de", filename="Pressemitteilung.pdf",
                                            content=PDF)
        stored = MailingAttachment.objects.get()
        assert stored.pk == attachment.pk and (stored.mailing_id, stored.locale) == (mailing.pk, "de")
        assert (stored.filename, stored.mimetype, bytes(stored.content)) == ("Pressemitteilung.pdf", "application/pdf", PDF)

        mailing_attachment_remove(mailing=mailing, attachment_id=attachment.pk)
        mailing_attachment_remove(mailing=mailing, attachment_id=attachment.pk)  # twice: no error
        assert not MailingAttachment.objects.exists()

    def test_remove_touches_only_this_mailings_files(self, sender):
        mailing, other = make_mailing(sender=sender), make_mailing(sender=sender, list_name="Andere")
        foreign = mailing_attachment_add(mailing=other, locale="de", filename="a.pdf", content=PDF)
        mailing_attachment_remove(mailing=mailing, attachment_id=foreign.pk)
        assert MailingAttachment.objects.filter(pk=foreign.pk).exists()

    @pytest.mark.parametrize(("uploaded", "stored"), [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\presse\\Foto.jpg", "Foto.jpg"),
        ("a\r\nb.pdf", "ab.pdf"),
        ("Bericht\u2028Anhang.pdf", "BerichtAnhang.pdf"),
        ("tool.exe. ", "tool.exe"),
        ("../", "attachment"),
        ("\x00\r\n", "attachment"),
    ])
    def test_the_file_name_is_reduced_to_a_safe_base_name(self, uploaded, stored):
        assert attachment_filename_safe(uploaded) == stored

    def test_a_long_name_is_cut_to_255_characters_keeping_the_extension(self):
        name = attachment_filename_safe("x" * 300 + ".pdf")
        assert len(name) == 255 and name.endswith("xxx.pdf")

    def test_the_stored_name_is_the_safe_one(self, sender):
        mailing = make_mailing(sender=sender)
        attachment = mailing_attachment_add(mailing=mailing, locale="de", filename="../../etc/passwd", content=b"x")
        assert attachment.filename == "passwd" and attachment.mimetype == "application/octet-stream"
        header = mailing_attachment_add(mailing=mailing, locale="de", filename="a\r\nb.pdf", content=PDF)
        assert header.filename == "ab.pdf" and header.mimetype == "application/pdf"

    @pytest.mark.parametrize(("filename", "mimetype"), [
        ("Foto.JPG", "image/jpeg"),
        ("Pressemitteilung.pdf", "application/pdf"),
        ("Daten.pdf.gz", "application/octet-stream"),  # a gzip file, not a PDF
        ("ohne-endung", "application/octet-stream"),
    ])
    def test_the_type_comes_from_the_name_not_from_the_upload(self, sender, filename, mimetype):
        # The content looks like a PDF; what counts is the name (the service is never told a browser's claim).
        mailing = make_mailing(sender=sender)
        assert mailing_attachment_add(mailing=mailing, locale="de", filename=filename, content=PDF).mimetype == mimetype

    @pytest.mark.parametrize("filename", ["setup.exe", "run.BAT", "macro.vbs", "Rechnung.pdf.js", "install.msi",
                                          "deploy.sh", "x.ps1", "lib.dll", "app.jar", "screen.scr"])
    def test_programs_and_scripts_are_refused(self, sender, filename):
        mailing = make_mailing(sender=sender)
        with pytest.raises(ValidationError) as caught:
            mailing_attachment_add(mailing=mailing, locale="de", filename=filename, content=b"MZ")
        assert "programs and scripts" in caught.value.messages[0] and "malware" in caught.value.messages[0]
        assert not MailingAttachment.objects.exists()

    def test_an_empty_file_is_refused(self, sender):
        mailing = make_mailing(sender=sender)
        with pytest.raises(ValidationError) as caught:
            mailing_attachment_add(mailing=mailing, locale="de", filename="leer.pdf", content=b"")
        assert caught.value.messages == ["leer.pdf is empty."] and not MailingAttachment.objects.exists()

    def test_an_unknown_language_is_refused(self, sender):
        mailing = make_mailing(sender=sender)
        with pytest.raises(ValidationError):
            mailing_attachment_add(mailing=mailing, locale="fr", filename="a.pdf", content=PDF)
        assert not MailingAttachment.objects.exists()

    def test_the_limit_holds_for_all_files_of_one_language_together(self, sender, settings):
        settings.MAIL_ATTACHMENT_MAX_BYTES = 1024 * 1024
        mailing = make_mailing(sender=sender)
        mailing_attachment_add(mailing=mailing, locale="de", filename="a.pdf", content=b"a" * 600_000)
        with pytest.raises(ValidationError) as caught:
            mailing_attachment_add(mailing=mailing, locale="de", filename="b.pdf", content=b"b" * 500_000)
        assert "at most 1.0\xa0MB" in caught.value.messages[0] and "1.0\xa0MB;" in caught.value.messages[0]
        # The other language has its own allowance; up to the limit exactly is fine.
        mailing_attachment_add(mailing=mailing, locale="en", filename="b.pdf", content=b"b" * (1024 * 1024))
        assert sorted(MailingAttachment.objects.values_list("locale", "filename")) == [("de", "a.pdf"),
                                                                                       ("en", "b.pdf")]

    def test_problems_name_every_file_without_touching_the_database(self, settings):
        settings.MAIL_ATTACHMENT_MAX_BYTES = 100
        problems = attachment_problems(files=[("ok.pdf", 40), ("virus.exe", 10), ("leer.txt", 0)], existing_bytes=60)
        assert len(problems) == 3
        assert problems[0].startswith("virus.exe: ") and problems[1] == "leer.txt is empty."
        assert "110\xa0bytes" in problems[2] and "100\xa0bytes" in problems[2]
        assert attachment_problems(files=[("ok.pdf", 40)], existing_bytes=60) == []


class MailingAttachmentEditableTests:
    @pytest.mark.parametrize("status", [Mailing.Status.SENDING, Mailing.Status.SENT, Mailing.Status.CANCELLED])
    def test_nothing_changes_once_the_mailing_has_started(self, sender, status):
        mailing = make_mailing(sender=sender)
        attachment = mailing_attachment_add(mailing=mailing, locale="de", filename="a.pdf", content=PDF)
        Mailing.objects.filter(pk=mailing.pk).update(status=status)
        with pytest.raises(ValidationError) as caught:
            mailing_attachment_add(mailing=mailing, locale="de", filename="b.pdf", content=PDF)
        assert "can no longer be changed" in caught.value.messages[0]
        with pytest.raises(ValidationError):
            mailing_attachment_remove(mailing=mailing, attachment_id=attachment.pk)
        assert list(MailingAttachment.objects.values_list("filename", flat=True)) == ["a.pdf"]

    def test_a_scheduled_mailing_can_still_get_files(self, sender):
        mailing = make_mailing(sender=sender)
        Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SCHEDULED)
        mailing_attachment_add(mailing=mailing, locale="en", filename="photo.png", content=b"\x89PNG")
        assert MailingAttachment.objects.get().mimetype == "image/png"


class MailingSaveAttachmentTests:
    def test_dropping_a_language_removes_its_files_and_keeps_the_others(self, sender):
        mailing = make_mailing(sender=sender)
        mailing_attachment_add(mailing=mailing, locale="de", filename="pm.pdf", content=PDF)
        mailing_attachment_add(mailing=mailing, locale="en", filename="press-release.pdf", content=PDF)
        mailing_save(mailing=mailing, values={}, contents={
            "de": {"subject": "Einladung", "body_mjml": MJML_DE}, "en": None,
        })
        assert list(MailingAttachment.objects.values_list("locale", "filename")) == [("de", "pm.pdf")]
