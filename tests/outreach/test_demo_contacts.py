import pytest
from django.contrib.auth import get_user_model

from outreach.models import Contact, ContactList, Segment
from outreach.services.audiences import segment_count
from outreach.services.demo import demo_contacts_load, demo_press_officer_ensure

pytestmark = pytest.mark.django_db


def test_demo_contacts_are_loaded_once_and_the_segment_finds_the_right_journalists():
    first = demo_contacts_load()
    assert first.created
    counts = (Contact.objects.count(), ContactList.objects.count(), Segment.objects.count())
    assert demo_contacts_load().created == []
    assert (Contact.objects.count(), ContactList.objects.count(), Segment.objects.count()) == counts

    segment = Segment.objects.get(name="Industrie-Presse Thüringen und Baden-Württemberg")
    # German journalists with the Industriedialog beat in Thüringen or Baden-Württemberg;
    # the English-speaking correspondent is left out by the language condition.
    assert segment_count(segment=segment) == 3
    assert ContactList.objects.get(name="Presseverteiler Industriedialog").memberships.count() == 5


def test_press_officer_login_is_in_the_press_office():
    demo_press_officer_ensure(password="pw-for-tests-only")
    user = get_user_model().objects.get(username="presse")
    assert user.groups.filter(name="Press office").exists()
    assert user.has_perm("outreach.view_contact")


def test_demo_has_a_default_sender_so_a_mailing_can_be_sent_at_once():
    from outreach.models import SenderIdentity

    demo_contacts_load()
    sender = SenderIdentity.objects.get(is_default=True)
    assert "Mauerstraße 83-84" in sender.imprint


def test_demo_has_the_seed_press_release_as_a_draft_that_can_be_sent():
    from outreach.models import Mailing
    from outreach.services.demo_mailing import TITLE
    from outreach.services.mailings import mailing_locales, mailing_validate_for_send

    demo_contacts_load()
    mailing = Mailing.objects.get(title=TITLE)
    assert mailing.status == Mailing.Status.DRAFT
    assert mailing_locales(mailing=mailing) == ["de", "en"]
    assert "Modellregionen" in mailing.contents.get(locale="de").body_mjml
    assert list(mailing.lists.values_list("name", flat=True)) == ["Presseverteiler Industriedialog"]
    mailing_validate_for_send(mailing=mailing)  # raises if anything keeps it from being sent
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENT)
    assert demo_contacts_load().created == [] and Mailing.objects.filter(title=TITLE).count() == 1
