"""Mailings through the real admin: write in two languages, preview, test, send, follow, pause/resume/cancel."""

from email import message_from_binary_file, policy
from pathlib import Path

import pytest
from django.urls import reverse

from outreach.models import ContactList, Mailing, MailingContent, Message, SuppressionEntry
from outreach.services.contacts import email_suppress
from outreach.services.sending import message_batch_send
from tests.outreach.sending_fixtures import (  # noqa: F401
    MJML_DE,
    MJML_EN,
    mail_settings,
    make_contacts,
    make_mailing,
    sender,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


@pytest.fixture(autouse=True)
def english_admin(press_officer):
    # The German .po is being translated alongside; the assertions read the English source strings.
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=press_officer, defaults={"preferred_language": "en"})


def url(name, *args):
    return reverse(f"outreach_mailings:{name}", args=args)


def form_data(*, sender, contact_list, **extra):
    return {
        "title": "Industriedialog Krefeld", "sender": sender.pk, "lists": [contact_list.pk], "when": "now",
        "scheduled_at": "", "track_replies": "on",
        "de-subject": "Einladung zum Industriedialog", "de-preheader": "Am 12. Mai in Krefeld",
        "de-body_format": "mjml", "de-body": MJML_DE, "de-body_text": "",
        "en-subject": "Invitation to the industry dialogue", "en-preheader": "", "en-body_format": "html",
        "en-body": "<html><body><p>{{ salutation }}</p><p>The dialogue continues.</p></body></html>",
        "en-body_text": "",
        **extra,
    }


def read_eml(path: Path):
    with open(path, "rb") as handle:
        return message_from_binary_file(handle, policy=policy.default)


@pytest.fixture
def audience(sender):
    contacts = make_contacts(3, language="de") + make_contacts(1, prefix="reporter", language="en",
                                                               salutation="ms", last_name="Smith")
    contact_list = ContactList.objects.create(name="Presseverteiler NRW")
    for contact in contacts:
        contact_list.memberships.create(contact=contact)
    return contact_list, contacts


class MailingWriteTests:
    def test_create_page_explains_tracking_consent(self, press_client, sender):
        response = press_client.get(url("add"))
        content = response.content.decode()
        assert response.status_code == 200
        assert "TDDDG" in content and 'name="de-subject"' in content and 'name="en-body"' in content

    def test_create_with_german_and_english_content(self, press_client, sender, audience):
        contact_list, _contacts = audience
        response = press_client.post(url("add"), form_data(sender=sender, contact_list=contact_list))
        mailing = Mailing.objects.get()
        assert response.status_code == 302 and response["Location"] == url("overview", mailing.pk)
        contents = {c.locale: c for c in mailing.contents.all()}
        assert contents["de"].body_mjml == MJML_DE and contents["de"].preheader == "Am 12. Mai in Krefeld"
        assert contents["en"].body_html.startswith("<html>") and contents["en"].body_mjml == ""
        assert mailing.track_replies and not mailing.track_opens and mailing.created_by.username == "pressestelle"
        assert list(mailing.lists.all()) == [contact_list]

        overview = press_client.get(url("overview", mailing.pk)).content.decode()
        assert 'data-count="recipients"><strong>4<' in overview and url("send", mailing.pk) in overview

    def test_half_written_language_and_missing_audience_are_refused(self, press_client, sender, audience):
        contact_list, _contacts = audience
        data = form_data(sender=sender, contact_list=contact_list, **{"en-body": ""})
        data.pop("lists")
        response = press_client.post(url("add"), data)
        content = response.content.decode()
        assert response.status_code == 200 and not Mailing.objects.exists()
        assert "A language with a subject needs a body." in content
        assert "Choose at least one list or segment as the audience." in content

    def test_schedule_in_the_past_is_refused(self, press_client, sender, audience):
        data = form_data(sender=sender, contact_list=audience[0], when="later", scheduled_at="2001-01-01T10:00")
        response = press_client.post(url("add"), data)
        assert response.status_code == 200 and "choose a time in the future" in response.content.decode()

    def test_edit_keeps_content_and_removes_an_emptied_language(self, press_client, sender, audience):
        mailing = make_mailing(sender=sender, contacts=audience[1])
        response = press_client.get(url("edit", mailing.pk))
        assert response.status_code == 200 and "Einladung zum Industriedialog" in response.content.decode()
        data = form_data(sender=sender, contact_list=audience[0], **{"en-subject": "", "en-body": ""})
        response = press_client.post(url("edit", mailing.pk), data)
        assert response.status_code == 302
        assert list(MailingContent.objects.filter(mailing=mailing).values_list("locale", flat=True)) == ["de"]

    def test_a_sending_mailing_cannot_be_edited_or_deleted(self, press_client, sender, audience):
        mailing = make_mailing(sender=sender, contacts=audience[1])
        Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENDING)
        assert press_client.get(url("edit", mailing.pk))["Location"] == url("overview", mailing.pk)
        response = press_client.post(url("delete", mailing.pk))
        assert response["Location"] == url("overview", mailing.pk) and Mailing.objects.filter(pk=mailing.pk).exists()


class MailingPreviewAndTestTests:
    def test_preview_shows_rendered_subject_and_body_per_language(self, press_client, sender, audience):
        mailing = make_mailing(sender=sender, contacts=audience[1])
        content = press_client.get(url("preview", mailing.pk, "de")).content.decode()
        assert "Einladung zum Industriedialog" in content and "srcdoc=" in content
        assert "Die Industriedialoge gehen weiter" in content and "Abmelden" in content
        assert "{{ salutation }}" not in content and "Wilhelmstraße 1" in content  # filled in; imprint in footer
        english = press_client.get(url("preview", mailing.pk, "en")).content.decode()
        assert "Invitation to the industry dialogue" in english and "Dear Ms Smith," in english
        assert press_client.get(url("preview", mailing.pk, "fr")).status_code == 404

    def test_test_send_arrives_and_lists_the_addresses(self, press_client, sender, audience, mail_settings):
        mailing = make_mailing(sender=sender, contacts=audience[1])
        response = press_client.post(url("test_send", mailing.pk),
                                     {"addresses": "a@example.org,\nb@example.org", "locales": ["de"]})
        content = response.content.decode()
        assert response.status_code == 200 and "data-test-results" in content
        assert "a@example.org" in content and "b@example.org" in content
        files = sorted((Path(mail_settings.MAIL_OUTBOX_DIR) / f"{mailing.pk}-test").glob("*.eml"))
        mails = [read_eml(path) for path in files]
        assert sorted(str(m["To"].addresses[0].addr_spec) for m in mails) == ["a@example.org", "b@example.org"]
        assert all(m["Subject"] == "[TEST] Einladung zum Industriedialog" for m in mails)
        assert not Message.objects.filter(mailing=mailing).exists()

    def test_test_send_refuses_bad_addresses(self, press_client, sender, audience):
        mailing = make_mailing(sender=sender, contacts=audience[1])
        response = press_client.post(url("test_send", mailing.pk), {"addresses": "kein-at-zeichen"})
        assert response.status_code == 400 and "Not a valid address: kein-at-zeichen" in response.content.decode()


class MailingSendTests:
    def test_confirm_send_freeze_and_progress(self, press_client, sender, audience,
                                              django_capture_on_commit_callbacks):
        contacts = audience[1]
        email_suppress(email=contacts[0].email, reason=SuppressionEntry.Reason.MANUAL)
        mailing = make_mailing(sender=sender, contacts=contacts)

        confirm = press_client.get(url("send", mailing.pk)).content.decode()
        assert 'data-count="suppressed">1<' in confirm and 'data-count="recipients"><strong>3<' in confirm
        assert "Send now to 3 recipients" in confirm

        with django_capture_on_commit_callbacks() as callbacks:
            response = press_client.post(url("send", mailing.pk))
        assert response.status_code == 302 and response["Location"] == url("progress", mailing.pk)
        assert len(callbacks) == 1  # the dispatch task, queued once the freeze is committed
        mailing.refresh_from_db()
        assert (mailing.status, mailing.recipients_count, mailing.suppressed_count) == ("sending", 3, 1)
        assert Message.objects.filter(mailing=mailing, status="queued").count() == 3

        page = press_client.get(url("progress", mailing.pk)).content.decode()
        assert "<progress" in page and url("progress_json", mailing.pk) in page and 'value="pause"' in page
        progress = press_client.get(url("progress_json", mailing.pk)).json()
        assert (progress["queued"], progress["accepted"], progress["percent"], progress["finished"]) == (3, 0, 0, False)

        message_batch_send(mailing_id=mailing.pk, worker_task_id="test-batch")  # what the worker does
        progress = press_client.get(url("progress_json", mailing.pk)).json()
        assert (progress["status"], progress["accepted"], progress["queued"]) == ("sent", 3, 0)
        assert (progress["percent"], progress["finished"]) == (100, True) and progress["rate"] > 0

    def test_send_refusal_is_explained(self, press_client, sender):
        mailing = make_mailing(sender=sender, contacts=[])
        response = press_client.post(url("send", mailing.pk))
        assert response.status_code == 400 and "Nobody to send to" in response.content.decode()
        assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT

    def test_schedule_for_later(self, press_client, sender, audience):
        data = form_data(sender=sender, contact_list=audience[0], when="later", scheduled_at="2099-05-12T09:30")
        press_client.post(url("add"), data)
        mailing = Mailing.objects.get()
        confirm = press_client.get(url("send", mailing.pk)).content.decode()
        assert "Schedule the mailing" in confirm
        response = press_client.post(url("send", mailing.pk))
        assert response["Location"] == url("overview", mailing.pk)
        assert Mailing.objects.get().status == Mailing.Status.SCHEDULED and not Message.objects.exists()

    def test_pause_resume_cancel(self, press_client, sender, audience, django_capture_on_commit_callbacks):
        mailing = make_mailing(sender=sender, contacts=audience[1])
        with django_capture_on_commit_callbacks():
            press_client.post(url("send", mailing.pk))

        def act(action):
            with django_capture_on_commit_callbacks() as callbacks:
                response = press_client.post(url("control", mailing.pk), {"action": action})
            assert response.status_code == 302
            return Mailing.objects.get(pk=mailing.pk).status, len(callbacks)

        assert act("pause") == ("paused", 0)
        page = press_client.get(url("progress", mailing.pk)).content.decode()
        assert 'value="resume"' in page and 'value="pause"' not in page
        assert act("resume") == ("sending", 1)  # dispatches the remaining batches again
        assert act("cancel") == ("cancelled", 0)
        assert set(Message.objects.filter(mailing=mailing).values_list("status", flat=True)) == {"cancelled"}
        assert act("resume") == ("cancelled", 0)  # refused with a message, nothing changes
        assert press_client.get(url("control", mailing.pk)).status_code == 405
