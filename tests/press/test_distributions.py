"""A distribution from a release: created in the admin, ready segment, personal notes, re-pitch guard."""

import pytest
from django.urls import reverse

from outreach.mailable import reference_for
from outreach.models import Mailing
from outreach.segments import contacts_matching
from press.models import Distribution, PitchNote
from press.services.distributions import (
    distribution_audience,
    distribution_create,
    distribution_repitch_conflicts,
    note_clean,
    release_segment_ensure,
)
from tests.press.distribution_fixtures import (  # noqa: F401
    contact_list,
    journalist,
    officer,
    pitched_before,
    protagonist,
    seed_release,
)

pytestmark = pytest.mark.django_db


def create_url(release) -> str:
    return reverse("press_distribution_create", args=[release.pk])


def detail_url(distribution) -> str:
    return reverse("press_distribution", args=[distribution.pk])


def test_the_ready_segment_covers_the_release_s_beats_and_regions(seed_release):
    by_beat = journalist("beat@zeitung.example", beats=["akzeptanz"])
    by_region = journalist("region@zeitung.example", regions=["krefeld"])
    local_hero = protagonist("betriebsrat@firma.example", regions=["thueringen"])
    elsewhere = journalist("sport@zeitung.example")

    segment = release_segment_ensure(release=seed_release)

    matched = set(contacts_matching(segment.rules))
    assert {by_beat, by_region, local_hero} <= matched
    assert elsewhere not in matched
    assert release_segment_ensure(release=seed_release).pk == segment.pk  # one segment per release


def test_the_officer_creates_a_distribution_from_the_release(client, officer, seed_release):
    client.force_login(officer)
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[seed_release.pk]))
    assert create_url(seed_release) in edit_page.content.decode()  # the button in the page header

    form = client.get(create_url(seed_release))
    assert form.status_code == 200
    segment = release_segment_ensure(release=seed_release)
    assert f'value="{segment.pk}"' in form.content.decode()
    assert "checked" in form.content.decode().split(f'value="{segment.pk}"')[1][:40]  # ticked already
    assert "0 Clippings" in form.content.decode().split("data-coverage")[1][:300]
    reporters = contact_list("Wirtschaftsredaktionen", [journalist("wirtschaft@zeitung.example")])

    response = client.post(create_url(seed_release), {"title": "Pitch Regionen", "lists": [reporters.pk],
                                                       "segments": [segment.pk]})

    distribution = Distribution.objects.get(release=seed_release)
    assert response.status_code == 302 and response["Location"] == detail_url(distribution)
    mailing = distribution.mailing
    assert mailing.status == Mailing.Status.DRAFT and mailing.title == "Pitch Regionen"
    assert mailing.source == reference_for("press.pressreleasepage", seed_release.pk)
    assert (mailing.sender.from_name, mailing.sender.from_email, mailing.sender.reply_to_email) == (
        "Simone Ebel-Schmidt", "ebel-schmidt@presse.example.org", "ebel-schmidt@presse.example.org")
    assert mailing.track_replies  # replies come back to us, are recorded and forwarded to the officer
    assert mailing.audience_providers == [f"press.distribution:{distribution.pk}"]
    assert "wirtschaft@zeitung.example" in client.get(detail_url(distribution)).content.decode()
    from outreach.viewsets.mailings import overview_url

    overview = client.get(overview_url(mailing))  # outreach's own screens handle the distribution's mailing
    assert overview.status_code == 200


def test_without_an_audience_nothing_is_created(client, officer, seed_release):
    client.force_login(officer)
    response = client.post(create_url(seed_release), {"title": "Leer"})

    assert response.status_code == 200
    assert "Liste oder ein Segment" in response.content.decode()
    assert not Distribution.objects.exists() and not Mailing.objects.filter(title="Leer").exists()


def test_editors_without_press_rights_are_refused(client, django_user_model, seed_release):
    from cms.services.roles import editors_group_ensure

    editor = django_user_model.objects.create_user("redaktion", "redaktion@example.org")
    editor.groups.add(editors_group_ensure())
    client.force_login(editor)

    refused = client.get(create_url(seed_release))  # Wagtail answers PermissionDenied with a redirect home
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    client.post(create_url(seed_release), {"title": "Ohne Recht", "segments": []})
    assert not Distribution.objects.exists()
    assert create_url(seed_release) not in client.get(
        reverse("wagtailadmin_pages:edit", args=[seed_release.pk])).content.decode()


def test_personal_notes_are_edited_in_the_table_and_sanitised(client, officer, seed_release):
    anna = journalist("anna@zeitung.example", first_name="Anna")
    ben = journalist("ben@zeitung.example", first_name="Ben")
    distribution = distribution_create(release=seed_release, officer=officer,
                                       lists=[contact_list("Verteiler Notizen", [anna, ben])])
    client.force_login(officer)

    page = client.get(detail_url(distribution)).content.decode()
    assert f'name="note-{anna.pk}"' in page and f'name="note-{ben.pk}"' in page
    response = client.post(detail_url(distribution), {
        "action": "notes",
        f"note-{anna.pk}": 'Liebe Anna, <b>exklusiv</b> für Sie.<script>alert("x")</script>'
                           '<a href="javascript:alert(1)" onclick="steal()">hier</a>',
        f"note-{ben.pk}": "",
    })

    assert response.status_code == 302
    note = PitchNote.objects.get(distribution=distribution, contact=anna)
    assert "<b>exklusiv</b>" in note.html
    for bad in ("script", "alert", "javascript", "onclick"):
        assert bad not in note.html
    assert note.text.startswith("Liebe Anna, exklusiv für Sie.")
    assert not PitchNote.objects.filter(contact=ben).exists()


def test_plain_text_notes_keep_their_lines_and_escape_markup():
    markup, text = note_clean("Hallo Ben,\nwie besprochen & mit <3\n\nGruß")
    assert markup == "<p>Hallo Ben,<br>wie besprochen &amp; mit &lt;3</p><p>Gruß</p>"
    assert text == "Hallo Ben,\nwie besprochen & mit <3\n\nGruß"
    assert note_clean("<script>alert(1)</script>") == ("", "")


def test_the_repitch_guard_lists_recent_journalists_and_leaves_them_out_in_one_click(client, officer, seed_release,
                                                                                    settings):
    settings.PRESS_REPITCH_DAYS = 14
    recent = journalist("frisch@zeitung.example", last_name="Frisch")
    long_ago = journalist("lange-her@zeitung.example")
    same_release = journalist("gleiche@zeitung.example")
    newcomer = journalist("neu@zeitung.example")
    pitched_before(recent, days_ago=3, title="Medieninformation Krefeld")
    pitched_before(long_ago, days_ago=20)
    pitched_before(same_release, days_ago=1, source=reference_for("press.pressreleasepage", seed_release.pk))
    distribution = distribution_create(
        release=seed_release, officer=officer,
        lists=[contact_list("Verteiler Guard", [recent, long_ago, same_release, newcomer])])
    client.force_login(officer)

    assert [r.contact for r in distribution_repitch_conflicts(distribution=distribution)] == [recent]
    page = client.get(detail_url(distribution)).content.decode()
    assert "frisch@zeitung.example" in page.split("data-repitch")[1].split("</div>")[0]
    assert "Medieninformation Krefeld" in page

    refused = client.post(detail_url(distribution), {"action": "send"})
    assert refused.status_code == 200 and "data-errors" in refused.content.decode()
    assert Mailing.objects.get(pk=distribution.mailing_id).status == Mailing.Status.DRAFT

    client.post(detail_url(distribution), {"action": "leave_out_repitches"})

    assert list(distribution.left_out.all()) == [recent]
    assert set(distribution_audience(distribution=distribution)) == {long_ago, same_release, newcomer}
    assert distribution_repitch_conflicts(distribution=distribution) == []
    assert "data-repitch" not in client.get(detail_url(distribution)).content.decode()


def test_opens_and_clicks_are_counted_only_when_the_officer_asks(client, officer, seed_release):
    client.force_login(officer)
    reporters = contact_list("Zählen", [journalist("zaehlen@zeitung.example")])

    client.post(create_url(seed_release), {"title": "Mit Öffnungen", "lists": [reporters.pk], "track_opens": "on"})
    client.post(create_url(seed_release), {"title": "Ohne Messung", "lists": [reporters.pk]})

    counted, plain = (Distribution.objects.get(mailing__title=title).mailing
                      for title in ("Mit Öffnungen", "Ohne Messung"))
    assert (counted.track_opens, counted.track_clicks, counted.track_replies) == (True, False, True)
    assert (plain.track_opens, plain.track_clicks, plain.track_replies) == (False, False, True)
    assert "Öffnungen zählen" in client.get(create_url(seed_release)).content.decode()
