"""What came back per release: the response view, its filters and export, and follow-ups a reply closes."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outreach.models import ActivityEvent, ExportLog, FollowUp
from outreach.selectors_dashboard import press_dashboard
from press.views.responses import responses_url
from tests.outreach.inbound_fixtures import inbound_storage  # noqa: F401
from tests.outreach.sending_fixtures import mail_settings  # noqa: F401
from tests.press.distribution_fixtures import journalist, officer, seed_release  # noqa: F401
from tests.press.response_fixtures import accepted, answered, opened, reply_arrives  # noqa: F401

pytestmark = pytest.mark.django_db


def rows_of(page: str) -> list[str]:
    """The recipients listed, in order, by address."""
    table = page[page.index("data-responses"):page.index("</table>", page.index("data-responses"))]
    return [chunk.split('"', 1)[0] for chunk in table.split('data-recipient="')[1:]]


def test_the_response_view_shows_each_recipient_s_outcome_and_the_coverage(client, answered):
    client.force_login(answered.distribution.officer)
    release = answered.distribution.release

    page = client.get(responses_url(release)).content.decode()

    assert rows_of(page) == ["ben@radio.example", "carla@online.example", "dora@magazin.example",
                             "emil@blatt.example", "anna@zeitung.example"]
    anna = page[page.index('data-recipient="anna@zeitung.example"'):]
    anna = anna[:anna.index("</tr>")]
    assert "Danke, ich schreibe darüber am Montag." in anna
    assert "schrieb Simone" not in anna  # the quoted history is cut
    assert "nicht im Haus" not in page  # an out-of-office is no reply
    totals = {name: page.split(f'data-total="{name}">')[1].split("<")[0]
              for name in ("all", "received", "opened", "clicked", "replied", "bounced", "unsubscribed")}
    assert totals == {"all": "5", "received": "4", "opened": "2", "clicked": "1", "replied": "1", "bounced": "1",
                      "unsubscribed": "1"}
    coverage = page[page.index("data-clippings"):]
    assert "Industriedialog in den Regionen" in coverage and "Zeitung Example" in coverage
    assert "120.000" in page[page.index("data-coverage"):]
    assert "Was zurückkam" in page  # the German admin


def test_the_view_is_reachable_from_the_release_and_from_the_distribution(client, answered):
    client.force_login(answered.distribution.officer)
    distribution = answered.distribution

    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[distribution.release_id])).content.decode()
    detail_page = client.get(reverse("press_distribution", args=[distribution.pk])).content.decode()

    assert responses_url(distribution.release).replace("&", "&amp;") in edit_page
    assert responses_url(distribution.release, distribution).replace("&", "&amp;") in detail_page


@pytest.mark.parametrize(("show", "expected"), [
    ("received", ["ben@radio.example", "dora@magazin.example", "emil@blatt.example", "anna@zeitung.example"]),
    ("opened", ["ben@radio.example", "anna@zeitung.example"]),
    ("not_opened", ["dora@magazin.example", "emil@blatt.example"]),
    ("clicked", ["ben@radio.example"]),
    ("replied", ["anna@zeitung.example"]),
    ("not_replied", ["ben@radio.example", "emil@blatt.example"]),
    ("bounced", ["carla@online.example"]),
    ("unsubscribed", ["dora@magazin.example"]),
])
def test_each_outcome_can_be_filtered(client, answered, show, expected):
    client.force_login(answered.distribution.officer)

    page = client.get(responses_url(answered.distribution.release), {"show": show}).content.decode()

    assert rows_of(page) == expected


def test_one_distribution_of_several_can_be_chosen(client, answered, officer, seed_release):
    from press.services.distributions import distribution_create
    from tests.press.distribution_fixtures import contact_list

    fritz = journalist("fritz@tv.example", first_name="Fritz", last_name="Fernseh")
    later = distribution_create(release=seed_release, officer=officer, title="Nachzügler",
                                lists=[contact_list("Nachzügler", [fritz])])
    accepted(later, [fritz])
    client.force_login(officer)

    both = client.get(responses_url(seed_release)).content.decode()
    only_later = client.get(responses_url(seed_release, later)).content.decode()

    assert "fritz@tv.example" in rows_of(both) and len(rows_of(both)) == 6
    assert rows_of(only_later) == ["fritz@tv.example"]


def test_the_view_reads_a_fixed_number_of_queries(client, answered, officer):
    client.force_login(officer)
    url = responses_url(answered.distribution.release)
    client.get(url)  # sessions, permissions and the like are cached after the first request

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = [journalist(f"mehr{n}@zeitung.example", last_name=f"Mehr {n}") for n in range(6)]
    for message in accepted(answered.distribution, more).values():
        opened(message, privacy_prefetch=False)
        reply_arrives(message, "Danke!")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()

    assert len(rows_of(page)) == 11
    assert len(many) == len(few)


def test_the_export_is_formula_safe_logged_and_leaves_suppressed_addresses_out(client, answered, officer):
    ben = answered.contacts["ben"]
    ben.first_name, ben.last_name = '=HYPERLINK("http://evil.example","Berg")', ""
    ben.save()
    client.force_login(officer)

    response = client.get(responses_url(answered.distribution.release), {"show": "", "format": "csv"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Name", "E-Mail", "Organisation", "Verteilung"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["'=HYPERLINK(\"http://evil.example\",\"Berg\")"][1] == "ben@radio.example"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert "Danke, ich schreibe darüber am Montag." in by_name["Anna Schmidt"]
    # Carla bounced hard and Dora unsubscribed: their addresses are suppressed and stay out of the file.
    assert by_name["Carla Cordes"][1] == "" and by_name["Dora Dietz"][1] == ""
    log = ExportLog.objects.get()
    assert log.exported_by == officer and log.row_count == 5 and log.file_format == "csv"
    assert ActivityEvent.objects.filter(kind=ActivityEvent.Kind.EXPORTED, contact=answered.contacts["anna"]).exists()

    xlsx = client.get(responses_url(answered.distribution.release), {"show": "replied", "format": "xlsx"})
    assert xlsx.content[:2] == b"PK" and ExportLog.objects.count() == 2


def test_follow_ups_for_the_silent_ones_and_a_reply_closes_its_task(client, answered, officer):
    client.force_login(officer)
    release = answered.distribution.release
    due = timezone.localdate() - datetime.timedelta(days=1)
    chosen = [answered.contacts[name].pk for name in ("anna", "ben", "carla", "emil")]

    response = client.post(responses_url(release), {"contact": chosen, "owner": officer.pk,
                                                    "due_on": due.isoformat()})

    assert response.status_code == 302
    tasks = {task.contact.email: task for task in FollowUp.objects.select_related("contact")}
    # Anna replied and Carla's mail bounced: nothing to follow up.
    assert sorted(tasks) == ["ben@radio.example", "emil@blatt.example"]
    ben = tasks["ben@radio.example"]
    assert ben.owner == officer and ben.due_on == due and ben.status == FollowUp.Status.OPEN
    assert ben.subject == f"press.pressreleasepage:{release.pk}"
    assert release.title in ben.title and ben.title.startswith("Nachfassen")
    page = client.get(responses_url(release)).content.decode()
    assert 'data-follow-up-due' in page.split('data-recipient="ben@radio.example"')[1].split("</tr>")[0]
    dashboard = press_dashboard(user=officer, since=None)
    assert {task.contact.email for task in dashboard.follow_ups_due} == {"ben@radio.example", "emil@blatt.example"}

    client.post(responses_url(release), {"contact": chosen, "owner": officer.pk, "due_on": due.isoformat()})
    assert FollowUp.objects.count() == 2  # nobody gets a second task

    reply_arrives(answered.messages["emil"], "Ich bin zurück und schreibe gern darüber.")

    emil = FollowUp.objects.get(contact=answered.contacts["emil"])
    assert emil.status == FollowUp.Status.DONE and emil.done_at is not None
    assert FollowUp.objects.get(contact=answered.contacts["ben"]).status == FollowUp.Status.OPEN
    assert [task.contact.email for task in press_dashboard(user=officer, since=None).follow_ups_due] == [
        "ben@radio.example"]


def test_an_out_of_office_does_not_close_the_task(client, answered, officer):
    client.force_login(officer)
    release = answered.distribution.release
    client.post(responses_url(release), {"contact": [answered.contacts["ben"].pk], "owner": officer.pk,
                                         "due_on": timezone.localdate().isoformat()})

    reply_arrives(answered.messages["ben"], "Ich bin im Urlaub.", auto=True)

    assert FollowUp.objects.get(contact=answered.contacts["ben"]).status == FollowUp.Status.OPEN


def test_following_up_without_anyone_ticked_says_so(client, answered, officer):
    client.force_login(officer)

    response = client.post(responses_url(answered.distribution.release),
                           {"owner": officer.pk, "due_on": timezone.localdate().isoformat()})

    assert response.status_code == 200
    assert "Kreuzen Sie die Empfänger an" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_editors_and_partners_cannot_open_the_response_view(client, answered, django_user_model):
    from cms.services.roles import editors_group_ensure

    editor = django_user_model.objects.create_user("redaktion-test", "redaktion@example.org")
    editor.groups.add(editors_group_ensure())
    client.force_login(editor)

    response = client.get(responses_url(answered.distribution.release))
    export = client.get(responses_url(answered.distribution.release), {"format": "csv"})

    assert response.status_code in (302, 403) and export.status_code in (302, 403)
    assert not ExportLog.objects.exists()
