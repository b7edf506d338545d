"""The press office's dashboard: what is due, what came back, what is being sent, what went out."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from outreach.models import ActivityEvent, FollowUp, InboundMessage, Mailing, Message
from outreach.viewsets.dashboard import PREVIOUS_VISIT_SESSION_KEY
from tests.outreach.factories import ContactFactory, FollowUpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    from outreach.services.roles import press_office_group_ensure

    user = django_user_model.objects.create_user("presse-dash", "presse-dash@example.org", "pw-for-tests-only")
    user.groups.add(press_office_group_ensure())
    return user


def _dashboard(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_empty_dashboard_says_so_in_german(officer):
    page = _dashboard(officer)
    assert "Fällige Wiedervorlagen" in page
    assert "Heute ist keine Wiedervorlage fällig oder überfällig." in page
    assert "Noch keine Aussendung versendet." in page


def test_due_and_overdue_follow_ups_of_the_officer_and_unassigned_ones(officer, django_user_model):
    today = timezone.localdate()
    colleague = django_user_model.objects.create_user("kollegin", "k@example.org", "pw")
    FollowUpFactory(title="Heute anrufen", due_on=today, owner=officer)
    FollowUpFactory(title="Längst überfällig", due_on=today - datetime.timedelta(days=3), owner=None)
    FollowUpFactory(title="Erst morgen", due_on=today + datetime.timedelta(days=1), owner=officer)
    FollowUpFactory(title="Sache der Kollegin", due_on=today, owner=colleague)
    FollowUpFactory(title="Schon erledigt", due_on=today, owner=officer, status=FollowUp.Status.DONE)

    page = _dashboard(officer)

    assert "Heute anrufen" in page and "Längst überfällig" in page and "überfällig" in page
    for hidden in ("Erst morgen", "Sache der Kollegin", "Schon erledigt"):
        assert hidden not in page


def test_replies_and_contact_changes_since_the_previous_visit(officer):
    contact = ContactFactory(first_name="Jana", last_name="Presse")
    old = timezone.now() - datetime.timedelta(days=2)
    InboundMessage.objects.create(kind=InboundMessage.Kind.REPLY, source="pipe", dedupe_key="old", contact=contact,
                                  subject="Alte Antwort", received_at=old)
    InboundMessage.objects.create(kind=InboundMessage.Kind.REPLY, source="pipe", dedupe_key="new", contact=contact,
                                  subject="Neue Antwort")
    InboundMessage.objects.create(kind=InboundMessage.Kind.REPLY, source="pipe", dedupe_key="ooo", contact=contact,
                                  subject="Abwesenheitsnotiz", is_auto_reply=True)
    ActivityEvent.objects.create(contact=contact, kind=ActivityEvent.Kind.OBJECTED, occurred_at=timezone.now(),
                                 summary="Widerspruch per Telefon")
    officer.last_login = timezone.now() - datetime.timedelta(days=1)
    officer.save()

    client = Client()
    client.force_login(officer)  # the login keeps the previous visit for the dashboard
    assert client.session[PREVIOUS_VISIT_SESSION_KEY].startswith(officer.last_login.date().isoformat()[:4])
    page = client.get("/admin/").content.decode()

    assert "Neue Antwort" in page
    assert "Alte Antwort" not in page and "Abwesenheitsnotiz" not in page
    assert "Widerspruch per Telefon" in page and "Jana" in page


def test_mailings_being_sent_and_the_last_sent_with_their_figures(officer):
    contact = ContactFactory()
    sending = Mailing.objects.create(title="Einladung Industriedialog", status=Mailing.Status.SENDING)
    sent = Mailing.objects.create(title="Medieninformation Januar", status=Mailing.Status.SENT,
                                  finished_at=timezone.now())
    for index, status in enumerate((Message.Status.ACCEPTED, Message.Status.QUEUED)):
        Message.objects.create(mailing=sending, contact=ContactFactory(), email=f"s{index}@example.org",
                               locale="de", status=status)
    for index, status in enumerate((Message.Status.ACCEPTED, Message.Status.ACCEPTED, Message.Status.BOUNCED)):
        Message.objects.create(mailing=sent, contact=contact if index == 0 else ContactFactory(),
                               email=f"m{index}@example.org", locale="de", status=status)
    InboundMessage.objects.create(kind=InboundMessage.Kind.REPLY, source="pipe", dedupe_key="r1", contact=contact,
                                  mailing=sent, subject="Re: Medieninformation")

    page = _dashboard(officer)

    assert "Einladung Industriedialog" in page and "1 von 2 (50 %)" in page
    row = page[page.index("Medieninformation Januar"):]
    row = row[:row.index("</tr>")]
    cells = [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]
    assert cells == ["3", "2", "1", "1"]


def test_editors_do_not_get_the_panel(django_user_model):
    from cms.services.roles import editors_group_ensure

    editor = django_user_model.objects.create_user("red-dash", "red-dash@example.org", "pw")
    editor.groups.add(editors_group_ensure())
    FollowUpFactory(title="Geheime Wiedervorlage", due_on=timezone.localdate(), owner=None)
    page = _dashboard(editor)
    assert "Fällige Wiedervorlagen" not in page and "Geheime Wiedervorlage" not in page


def _menu(user) -> dict[str, list[str]]:
    """The sidebar's groups and their items, as Wagtail serialises them for its sidebar script."""
    import json
    import re

    page = _dashboard(user)
    props = json.loads(re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
                                 page, re.S).group(1))
    groups = {}

    def walk(node):
        if isinstance(node, dict):
            if node.get("_type") == "wagtail.sidebar.SubMenuItem":
                label = node["_args"][0]["label"]
                groups[label] = [item["_args"][0]["label"] for item in node["_args"][1]]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(props)
    return groups


def test_the_menu_is_grouped_by_what_a_press_officer_does(officer):
    menu = _menu(officer)
    assert {"Kontakte", "Aussendungen"} <= set(menu)
    assert menu["Aussendungen"] == ["Aussendungen", "Postausgang", "Absenderprofile"]
    assert {"Kontakte", "Organisationen", "Verteiler", "Segmente", "Importe"} <= set(menu["Kontakte"])
    assert "Pressekontakte" not in menu
