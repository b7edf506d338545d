"""A press officer writes and publishes releases through Wagtail's own admin views.

Publishing is refused, with a German message and nothing saved, without a
press contact, with an image lacking credit or alt text, or with an embargo
that is over. A draft may be saved incomplete.
"""

import datetime

import pytest
from wagtail.models import PageLogEntry, Revision

from press.models import PressReleasePage
from tests.press.conftest import add_url, edit_url, latest, release_form, soon

pytestmark = pytest.mark.django_db


def errors_of(response) -> str:
    text = response.content.decode()
    if response.context and "form" in response.context and "PYTEST_DEBUG_FORM" in __import__("os").environ:
        print(response.context["form"].errors, [f.errors for f in response.context["form"].formsets.values()])
    return text


def test_a_press_officer_publishes_a_release_with_contact_and_credited_image(
    press_client, newsroom, press_contact, image_factory
):
    image = image_factory(credit="Foto: N3tzwerk")
    response = press_client.post(add_url(newsroom), release_form(contacts=[press_contact], images=[image]))

    assert response.status_code == 302, errors_of(response)[:3000]
    release = latest(newsroom)
    assert release.live and release.go_live_at is None
    assert [c.contact for c in release.press_contacts.all()] == [press_contact]
    assert [i.image for i in release.images.all()] == [image]


def test_publishing_without_a_press_contact_is_refused_and_nothing_is_saved(press_client, newsroom):
    response = press_client.post(add_url(newsroom), release_form())

    assert response.status_code == 200
    assert "Fügen Sie mindestens einen Pressekontakt hinzu" in errors_of(response)
    assert latest(newsroom) is None


def test_a_draft_may_be_saved_without_a_press_contact(press_client, newsroom):
    response = press_client.post(add_url(newsroom), release_form(action=None))

    assert response.status_code == 302
    assert latest(newsroom) is not None and not latest(newsroom).live


@pytest.mark.parametrize("missing", ["credit", "alt_text"])
def test_publishing_an_image_without_credit_or_alt_text_is_refused_on_edit_without_a_new_revision(
    press_client, newsroom, press_contact, image_factory, missing
):
    press_client.post(add_url(newsroom), release_form(action=None))
    release = latest(newsroom)
    revisions = Revision.page_revisions.filter(object_id=str(release.pk)).count()
    image = image_factory(**{missing: ""})

    response = press_client.post(edit_url(release), release_form(contacts=[press_contact], images=[image]))

    assert response.status_code == 200
    label = "fehlen Angaben: Bildnachweis" if missing == "credit" else "fehlen Angaben: Alternativtext"
    assert label in errors_of(response), errors_of(response)[:2000]
    release.refresh_from_db()
    assert not release.live
    assert Revision.page_revisions.filter(object_id=str(release.pk)).count() == revisions
    assert not release.images.exists()


def test_an_embargo_in_the_past_is_refused(press_client, newsroom, press_contact):
    response = press_client.post(
        add_url(newsroom), release_form(contacts=[press_contact], embargo=soon(-5))
    )

    assert response.status_code == 200
    assert "ist schon vorbei" in errors_of(response)
    assert latest(newsroom) is None


def test_an_embargo_ahead_schedules_the_release_instead_of_publishing_it(press_client, newsroom, press_contact):
    embargo = soon(90)
    response = press_client.post(add_url(newsroom), release_form(contacts=[press_contact], embargo=embargo))

    assert response.status_code == 302, errors_of(response)[:3000]
    release = latest(newsroom)
    assert not release.live
    assert release.embargo_until == embargo and release.go_live_at == embargo
    assert Revision.page_revisions.get(object_id=str(release.pk), approved_go_live_at__isnull=False).approved_go_live_at == embargo


def test_the_embargo_is_entered_in_berlin_time_whatever_the_officers_time_zone(
    press_client, press_officer, newsroom, press_contact
):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(press_officer)
    profile.current_time_zone = "America/New_York"
    profile.save()
    data = release_form(contacts=[press_contact])
    data["embargo_until"] = "2031-01-16 10:00"

    assert press_client.post(add_url(newsroom), data).status_code == 302

    assert latest(newsroom).embargo_until == datetime.datetime(2031, 1, 16, 9, 0, tzinfo=datetime.UTC)


def test_moving_the_embargo_reschedules(press_client, newsroom, press_contact):
    press_client.post(add_url(newsroom), release_form(contacts=[press_contact], embargo=soon(90)))
    release = latest(newsroom)
    later = soon(600)

    response = press_client.post(edit_url(release), release_form(contacts=[press_contact], embargo=later))

    assert response.status_code == 302, errors_of(response)[:300]
    scheduled = Revision.page_revisions.filter(object_id=str(release.pk), approved_go_live_at__isnull=False)
    assert [r.approved_go_live_at for r in scheduled] == [later]
    release.refresh_from_db()
    assert not release.live


def test_publishing_before_the_embargo_asks_for_confirmation_and_is_logged(
    press_client, press_officer, newsroom, press_contact
):
    embargo = soon(90)
    press_client.post(add_url(newsroom), release_form(contacts=[press_contact], embargo=embargo))
    release = latest(newsroom)

    refused = press_client.post(edit_url(release), release_form(contacts=[press_contact]))

    assert refused.status_code == 200
    assert "Sperrfrist" in errors_of(refused)
    release.refresh_from_db()
    assert not release.live

    confirmed = press_client.post(edit_url(release), release_form(contacts=[press_contact], break_embargo=True))

    assert confirmed.status_code == 302, errors_of(confirmed)[:3000]
    release = PressReleasePage.objects.get(pk=release.pk)
    assert release.live and release.embargo_until is None
    entry = PageLogEntry.objects.get(page=release, action="press.embargo_broken")
    assert entry.user == press_officer
    assert entry.data["previous_embargo"] == embargo.isoformat()
    assert not Revision.page_revisions.filter(object_id=str(release.pk), approved_go_live_at__isnull=False).exists()
