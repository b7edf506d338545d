"""mailing_save: a draft mailing written from plain data, the way the admin form and other apps do it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outreach.models import ContactList, Mailing, MailingContent, Segment
from outreach.services.mailings import mailing_locales, mailing_save
from tests.outreach.sending_fixtures import MJML_DE, make_contacts, make_mailing, sender  # noqa: F401

pytestmark = pytest.mark.django_db
Status = Mailing.Status

GERMAN = {"subject": "Einladung zum Industriedialog", "preheader": "Am 12. Mai in Krefeld", "body_mjml": MJML_DE}
ENGLISH = {"subject": "Invitation to the industry dialogue",
           "body_html": "<html><body><p>{{ salutation }}</p><p>The dialogue continues.</p></body></html>"}


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user("pressestelle", "presse@example.org", "pw-for-tests-only")


@pytest.fixture
def contact_list():
    return ContactList.objects.create(name="Presseverteiler NRW")


def contents_of(mailing) -> dict:
    return {c.locale: (c.subject, c.preheader, c.body_mjml, c.body_html, c.rendered_at)
            for c in MailingContent.objects.filter(mailing=mailing).order_by("id")}


def refusal(call) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


class MailingSaveTests:
    def test_create_a_draft_from_plain_data(self, sender, contact_list, author):
        segment = Segment.objects.create(name="Journalistinnen NRW", rules={})
        mailing = mailing_save(
            mailing=None, values={"title": "Industriedialog Krefeld", "sender": sender, "track_clicks": True},
            lists=[contact_list.pk], segments=[segment], contents={"de": GERMAN, "en": ENGLISH}, user=author,
        )
        mailing = Mailing.objects.get(pk=mailing.pk)
        assert (mailing.title, mailing.status, mailing.created_by, mailing.sender) == (
            "Industriedialog Krefeld", Status.DRAFT, author, sender)
        assert mailing.track_clicks and not mailing.track_opens
        assert list(mailing.lists.all()) == [contact_list] and list(mailing.segments.all()) == [segment]
        assert mailing_locales(mailing=mailing) == ["de", "en"]
        assert contents_of(mailing) == {
            "de": ("Einladung zum Industriedialog", "Am 12. Mai in Krefeld", MJML_DE, "", None),
            "en": ("Invitation to the industry dialogue", "", "", ENGLISH["body_html"], None),
        }

    def test_update_changes_what_is_given_and_marks_the_content_unrendered(self, sender, author):
        mailing = make_mailing(sender=sender, contacts=make_contacts(2), created_by=author)
        MailingContent.objects.filter(mailing=mailing).update(rendered_at=timezone.now())
        audience = list(mailing.lists.all())
        changed = {**GERMAN, "subject": "Neuer Termin: Industriedialog Krefeld"}

        saved = mailing_save(mailing=mailing, values={"title": "Neuer Termin", "track_opens": True},
                             contents={"de": changed, "en": ENGLISH}, user=None)

        mailing.refresh_from_db()
        assert saved.pk == mailing.pk and Mailing.objects.count() == 1
        assert (mailing.title, mailing.track_opens, mailing.sender, mailing.created_by) == (
            "Neuer Termin", True, sender, author)
        assert list(mailing.lists.all()) == audience  # lists=None leaves the audience alone
        contents = contents_of(mailing)
        assert contents["de"][0] == "Neuer Termin: Industriedialog Krefeld"
        assert contents["en"][3] == ENGLISH["body_html"]
        assert [content[4] for content in contents.values()] == [None, None]

    @pytest.mark.parametrize("english", ["missing", None])
    def test_a_language_missing_or_none_is_removed(self, sender, english):
        mailing = make_mailing(sender=sender, contacts=[])
        contents = {"de": GERMAN} if english == "missing" else {"de": GERMAN, "en": None}
        mailing_save(mailing=mailing, values={}, contents=contents)
        assert mailing_locales(mailing=mailing) == ["de"]

    def test_saving_twice_leaves_the_same_rows(self, sender, contact_list):
        mailing = mailing_save(mailing=None, values={"title": "Zweimal", "sender": sender}, lists=[contact_list],
                               contents={"de": GERMAN})
        again = mailing_save(mailing=mailing, values={"title": "Zweimal", "sender": sender}, lists=[contact_list],
                             contents={"de": GERMAN})
        assert again.pk == mailing.pk and Mailing.objects.count() == 1
        assert MailingContent.objects.filter(mailing=mailing).count() == 1 and mailing.lists.count() == 1

    def test_a_scheduled_mailing_can_still_be_changed(self, sender):
        mailing = make_mailing(sender=sender, contacts=[], status=Status.SCHEDULED)
        later = timezone.now() + timedelta(days=2)
        mailing_save(mailing=mailing, values={"title": "Verschoben", "scheduled_at": later}, contents={"de": GERMAN})
        saved = Mailing.objects.get(pk=mailing.pk)
        assert (saved.title, saved.status, saved.scheduled_at) == ("Verschoben", Status.SCHEDULED, later)

    @pytest.mark.parametrize("when", [None, "past"])
    def test_a_scheduled_mailing_without_a_time_ahead_goes_back_to_draft(self, sender, when):
        mailing = make_mailing(sender=sender, contacts=[], status=Status.SCHEDULED)
        scheduled_at = timezone.now() - timedelta(hours=1) if when else None
        mailing_save(mailing=mailing, values={"scheduled_at": scheduled_at}, contents={"de": GERMAN})
        assert Mailing.objects.get(pk=mailing.pk).status == Status.DRAFT

    @pytest.mark.parametrize("status", [Status.SENDING, Status.PAUSED, Status.SENT, Status.CANCELLED])
    def test_a_started_mailing_is_refused_and_left_alone(self, sender, status):
        mailing = make_mailing(sender=sender, contacts=[], status=status)
        before = contents_of(mailing)
        messages = refusal(lambda: mailing_save(mailing=mailing, values={"title": "Zu spät"}, contents={}))
        label = Mailing(status=status).get_status_display()
        assert messages == [f"This mailing is {label} and can no longer be changed."]
        assert Mailing.objects.get(pk=mailing.pk).title == "Industriedialog Krefeld"
        assert contents_of(mailing) == before

    def test_the_status_is_read_from_the_database_not_the_caller(self, sender):
        """A start between the editor's GET and POST: the instance in hand still says draft."""
        mailing = make_mailing(sender=sender, contacts=[])
        Mailing.objects.filter(pk=mailing.pk).update(status=Status.SENDING)
        assert mailing.status == Status.DRAFT
        assert refusal(lambda: mailing_save(mailing=mailing, values={}, contents={"de": GERMAN}))

    @pytest.mark.parametrize("contents", [{}, {"de": None, "en": None}])
    def test_no_language_at_all_is_refused(self, sender, contents):
        messages = refusal(lambda: mailing_save(mailing=None, values={"title": "Leer", "sender": sender},
                                                contents=contents))
        assert messages == ["Write subject and body in at least one language."]
        assert not Mailing.objects.exists()

    def test_half_a_language_is_refused_and_nothing_is_removed(self, sender):
        mailing = make_mailing(sender=sender, contacts=[])
        messages = refusal(lambda: mailing_save(
            mailing=mailing, values={"title": "Halb"},
            contents={"de": {"subject": "Nur ein Betreff"}, "en": {"body_html": "<p>No subject</p>"},
                      "fr": GERMAN}))
        assert messages == ["de: write both a subject and a body, or leave the language out.",
                            "en: write both a subject and a body, or leave the language out.",
                            "Unknown language: fr"]
        assert mailing_locales(mailing=mailing) == ["de", "en"]
        assert Mailing.objects.get(pk=mailing.pk).title == "Industriedialog Krefeld"

    def test_field_errors_are_refused(self, sender):
        messages = refusal(lambda: mailing_save(mailing=None, values={"title": "", "sender": sender},
                                                contents={"de": {**GERMAN, "subject": "x" * 300}}))
        assert "This field cannot be blank." in messages and not Mailing.objects.exists()
        messages = refusal(lambda: mailing_save(mailing=None, values={"title": "Lang", "sender": sender},
                                                contents={"de": {**GERMAN, "subject": "x" * 300}}))
        assert messages == ["de: Ensure this value has at most 255 characters (it has 300)."]

    def test_a_mailing_with_a_source_needs_no_content_yet(self, sender):
        """Its content is copied from the press release or newsletter issue when it starts."""
        mailing = mailing_save(mailing=None, values={"title": "Pressemitteilung", "source": "press.release:7"},
                               contents={})
        assert Mailing.objects.get(pk=mailing.pk).source == "press.release:7" and not mailing.contents.exists()

    def test_fields_that_are_not_for_the_caller_to_set(self, sender):
        with pytest.raises(TypeError, match="status"):
            mailing_save(mailing=None, values={"title": "Sofort", "status": Status.SENT}, contents={"de": GERMAN})
        with pytest.raises(TypeError, match="rendered_html"):
            mailing_save(mailing=None, values={"title": "Gerendert"}, contents={"de": {**GERMAN, "rendered_html": "x"}})
        assert not Mailing.objects.exists()
