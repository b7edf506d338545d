"""From draft to frozen: validation, content from a registered source, audience, one message per recipient."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outreach import mailable, rendering
from outreach.mailable import MailContent, register_audience_provider, register_mailable_source
from outreach.models import Contact, Mailing, MailingAttachment, Message, Segment, SuppressionEntry, email_hash
from outreach.services.mailings import (
    mailing_cancel,
    mailing_freeze_audience,
    mailing_send,
    mailings_start_due,
)
from outreach.services.sending import mailing_dispatch, message_batch_send
from tests.outreach.sending_fixtures import mail_settings, make_contacts, make_mailing, sender  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


@pytest.fixture
def registries(monkeypatch):
    """Empty registries for the test; what the apps registered comes back afterwards."""
    monkeypatch.setattr(mailable, "_mailable_sources", {})
    monkeypatch.setattr(mailable, "_audience_providers", {})


class PressReleaseStandIn:
    """What press will register: anything with mailable_locales() and mailable_content(locale)."""

    def __init__(self, pk):
        self.pk = pk

    def mailable_locales(self):
        return ["de", "en"]

    def mailable_content(self, locale):
        return MailContent(
            subject={"de": "Pressemitteilung", "en": "Press release"}[locale],
            html=f"<html><body><p>{{{{ salutation }}}} ({locale} {self.pk})</p></body></html>",
            attachments=[(f"pm-{locale}.pdf", b"%PDF-1.4 stand-in", "application/pdf")],
        )


class MailingFreezeAudienceTests:
    def test_one_message_per_recipient_and_the_left_out_are_counted(self, sender):
        fine = make_contacts(3)
        suppressed = make_contacts(2, prefix="widerspruch")
        SuppressionEntry.objects.bulk_create([SuppressionEntry(email_hash=email_hash(c.email), reason="objection")
                                              for c in suppressed])
        bounced = make_contacts(1, prefix="bounce", bounce_state=Contact.BounceState.HARD)
        stale = make_contacts(1, prefix="stale", is_stale=True)
        mailing = make_mailing(sender=sender, contacts=fine + suppressed + bounced + stale)
        mailing.segments.add(Segment.objects.create(name="Deutsch", rules={"conditions": [
            {"field": "list", "op": "in", "value": list(mailing.lists.values_list("id", flat=True))}]}))

        result = mailing_freeze_audience(mailing=mailing)

        assert sorted(Message.objects.filter(mailing=mailing).values_list("email", flat=True)) == sorted(
            c.email for c in fine)
        assert (result.recipients, result.suppressed, result.skipped) == (3, 2, 2)
        mailing.refresh_from_db()
        assert (mailing.recipients_count, mailing.suppressed_count, mailing.skipped_count) == (3, 2, 2)
        assert mailing.frozen_at is not None
        assert Message.objects.filter(mailing=mailing, status=Message.Status.QUEUED).count() == 3
        assert len(set(Message.objects.filter(mailing=mailing).values_list("token", flat=True))) == 3

    def test_calling_it_again_adds_only_newcomers(self, sender):
        contacts = make_contacts(4)
        mailing = make_mailing(sender=sender, contacts=contacts)
        mailing_freeze_audience(mailing=mailing)
        tokens = set(Message.objects.values_list("token", flat=True))

        again = mailing_freeze_audience(mailing=mailing)
        assert again.recipients == 4 and set(Message.objects.values_list("token", flat=True)) == tokens

        mailing.lists.first().contacts.add(make_contacts(1, prefix="neu")[0])
        assert mailing_freeze_audience(mailing=mailing).recipients == 5

    def test_each_recipient_gets_their_language_or_the_first_one(self, sender):
        german, english = make_contacts(1, prefix="de", language="de")[0], make_contacts(1, prefix="en", language="en")[0]
        both = make_mailing(sender=sender, contacts=[german, english], locales=("de", "en"))
        only_german = make_mailing(sender=sender, contacts=[german, english], locales=("de",), list_name="Nur deutsch")

        mailing_freeze_audience(mailing=both)
        mailing_freeze_audience(mailing=only_german)

        assert dict(both.messages.values_list("email", "locale")) == {german.email: "de", english.email: "en"}
        assert dict(only_german.messages.values_list("email", "locale")) == {german.email: "de", english.email: "de"}


class MailingSendTests:
    def test_everything_missing_is_named(self):
        mailing = Mailing.objects.create(title="Leer")

        with pytest.raises(ValidationError) as caught:
            mailing_send(mailing=mailing)

        assert caught.value.messages == [
            "Choose a sender.",
            "Choose an audience: at least one list, segment or subscriber group.",
            "Write the content (subject and body) in at least one language.",
        ]
        mailing.refresh_from_db()
        assert mailing.status == Mailing.Status.DRAFT and not mailing.messages.exists()

    def test_only_a_draft_can_be_sent(self, sender):
        mailing = make_mailing(sender=sender, contacts=make_contacts(1))
        mailing_cancel(mailing=mailing)
        with pytest.raises(ValidationError, match="only a draft can be sent"):
            mailing_send(mailing=mailing)

    def test_nobody_to_send_to_changes_nothing(self, sender):
        contact = make_contacts(1)[0]
        SuppressionEntry.objects.create(email_hash=contact.email_hash, reason="unsubscribe")
        mailing = make_mailing(sender=sender, contacts=[contact])

        with pytest.raises(ValidationError, match="Nobody to send to: 1 suppressed"):
            mailing_send(mailing=mailing)

        mailing.refresh_from_db()
        assert mailing.status == Mailing.Status.DRAFT and not mailing.messages.exists()

    def test_send_freezes_renders_and_dispatches_after_the_commit(self, sender, django_capture_on_commit_callbacks,
                                                                settings):
        settings.MAIL_BATCH_SIZE = 4
        mailing = make_mailing(sender=sender, contacts=make_contacts(10))

        with django_capture_on_commit_callbacks() as callbacks:
            mailing = mailing_send(mailing=mailing)

        assert (mailing.status, mailing.recipients_count) == (Mailing.Status.SENDING, 10)
        assert mailing.started_at is not None
        assert all(c.rendered_at and "{{ unsubscribe_url }}" in c.rendered_html for c in mailing.contents.all())
        assert len(callbacks) == 1  # mailing_dispatch_task, queued only once the rows are visible to workers
        with django_capture_on_commit_callbacks() as batches:
            assert mailing_dispatch(mailing_id=mailing.pk) == 3  # ceil(10 / 4)
        assert len(batches) == 3

    def test_mjml_is_rendered_once_per_locale_whatever_the_number_of_recipients(self, sender):
        contacts = make_contacts(6, language="de") + make_contacts(6, prefix="en", language="en")
        mailing = make_mailing(sender=sender, contacts=contacts, locales=("de", "en"))
        before = rendering.render_counts["mjml"]

        mailing_send(mailing=mailing)
        for task in ("batch-1", "batch-2", "batch-3"):
            message_batch_send(mailing_id=mailing.pk, worker_task_id=task, batch_size=5)

        assert Message.objects.filter(mailing=mailing, status=Message.Status.ACCEPTED).count() == 12
        assert rendering.render_counts["mjml"] - before == 2

    def test_a_future_schedule_waits_for_beat(self, sender):
        mailing = make_mailing(sender=sender, contacts=make_contacts(2),
                               scheduled_at=timezone.now() + timedelta(hours=1))

        assert mailing_send(mailing=mailing).status == Mailing.Status.SCHEDULED
        assert not mailing.messages.exists() and mailings_start_due() == 0

        Mailing.objects.filter(pk=mailing.pk).update(scheduled_at=timezone.now() - timedelta(seconds=1))
        assert mailings_start_due() == 1
        mailing.refresh_from_db()
        assert (mailing.status, mailing.recipients_count) == (Mailing.Status.SENDING, 2)


@pytest.mark.usefixtures("registries")
class RegisteredSourceTests:
    def test_content_and_attachments_come_from_the_registered_source(self, sender):
        register_mailable_source("tests.pressrelease", PressReleaseStandIn)
        mailing = make_mailing(sender=sender, contacts=make_contacts(2), locales=(), source="tests.pressrelease:7")

        mailing_send(mailing=mailing)

        contents = {c.locale: c for c in mailing.contents.all()}
        assert contents["en"].subject == "Press release" and "(en 7)" in contents["en"].rendered_html
        assert sorted(MailingAttachment.objects.filter(mailing=mailing).values_list("filename", flat=True)) == [
            "pm-de.pdf", "pm-en.pdf"]

    def test_an_unregistered_source_is_a_clear_error(self, sender):
        mailing = make_mailing(sender=sender, contacts=make_contacts(1), locales=(), source="press.pressrelease:1")
        with pytest.raises(ValidationError, match="no app registered it"):
            mailing_send(mailing=mailing)

    def test_a_registered_audience_joins_the_lists(self, sender):
        listed, subscribers = make_contacts(2), make_contacts(3, prefix="abonnent")
        register_audience_provider("tests.newsletter", lambda pk: Contact.objects.filter(
            email__startswith="abonnent").values("id"))
        mailing = make_mailing(sender=sender, contacts=listed + subscribers[:1],
                               audience_providers=["tests.newsletter:3"])

        assert mailing_freeze_audience(mailing=mailing).recipients == 5
