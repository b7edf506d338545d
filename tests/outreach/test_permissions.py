"""The press contact database is for the press office only: checked through the real admin views."""

import pytest
from django.urls import reverse

from outreach.models import ContactList, Segment, SuppressionEntry
from tests.outreach.factories import ContactFactory, ContactListFactory, FollowUpFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

INDEX_URLS = [
    "outreach_contacts:index", "outreach_organisations:index", "outreach_journalists:index",
    "outreach_protagonists:index", "outreach_lists:index", "outreach_segments:index", "outreach_follow_ups:index",
    "outreach_suppression:index", "outreach_export_log:index", "contact_imports:index",
    "outreach_contacts:add", "outreach_lists:add", "outreach_segments:add", "outreach_suppression:add",
]


@pytest.fixture
def objects():
    contact = ContactFactory()
    contact_list = ContactListFactory()
    segment = Segment.objects.create(name="S", rules={"conditions": [{"field": "language", "op": "in", "value": ["de"]}]})
    follow_up = FollowUpFactory(contact=contact)
    return {"contact": contact, "list": contact_list, "segment": segment, "follow_up": follow_up,
            "organisation": OrganisationFactory()}


def object_urls(objects):
    contact = objects["contact"].pk
    return [
        ("get", reverse("outreach_contacts:inspect", args=[contact])),
        ("get", reverse("outreach_contacts:edit", args=[contact])),
        ("get", reverse("outreach_contacts:delete", args=[contact])),
        ("post", reverse("outreach_contacts:delete", args=[contact])),
        ("get", reverse("outreach_contacts:objection", args=[contact])),
        ("post", reverse("outreach_contacts:objection", args=[contact])),
        ("post", reverse("outreach_contacts:art14_notice", args=[contact])),
        ("get", reverse("outreach_contacts:data_export", args=[contact])),
        ("get", reverse("outreach_lists:edit", args=[objects["list"].pk])),
        ("get", reverse("outreach_segments:edit", args=[objects["segment"].pk])),
        ("get", reverse("outreach_organisations:edit", args=[objects["organisation"].pk])),
        ("post", reverse("outreach_follow_ups:close", args=[objects["follow_up"].pk])),
        ("get", reverse("wagtail_bulk_action", args=["outreach", "contact", "add_to_list"]) + f"?id={contact}"),
        ("post", reverse("wagtail_bulk_action", args=["outreach", "contact", "export"]) + f"?id={contact}"),
        ("get", reverse("outreach_contacts:index") + "?export=csv"),
    ]


def _refused(response) -> bool:
    # Wagtail answers a user without the right with a redirect to the dashboard (and a message) or a 403.
    return response.status_code == 403 or (response.status_code == 302 and "/login/" not in response["Location"])


class PressOfficeTests:
    def test_sees_every_screen(self, press_client, objects):
        for name in INDEX_URLS:
            assert press_client.get(reverse(name)).status_code == 200, name
        for method, url in object_urls(objects):
            if method == "get":
                assert press_client.get(url).status_code == 200, url

    def test_sees_the_menu_group(self, press_client):
        # The sidebar menu is rendered as JSON props: look for the links, not for markup.
        home = press_client.get(reverse("wagtailadmin_home")).content.decode()
        assert reverse("outreach_contacts:index") in home and reverse("outreach_segments:index") in home


@pytest.mark.parametrize("who", ["editor", "initiative_partner"])
def test_editors_and_initiative_partners_are_refused_everywhere(request, client, who, objects):
    client.force_login(request.getfixturevalue(who))
    for name in INDEX_URLS:
        assert _refused(client.get(reverse(name))), name
    for method, url in object_urls(objects):
        assert _refused(getattr(client, method)(url)), (method, url)
    # Nothing changed behind the refusals.
    assert ContactList.objects.get(pk=objects["list"].pk).memberships.count() == 0
    assert objects["contact"].activity.count() == 0
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/outreach/" not in home and reverse("contact_imports:index") not in home


def test_demo_initiative_partner_sees_no_outreach(client, django_user_model):
    from cms.services.demo import demo_users_ensure

    demo_users_ensure(password="pw-for-tests-only")
    for username in ("redaktion", "partner-krefeld"):
        client.force_login(django_user_model.objects.get(username=username))
        assert _refused(client.get(reverse("outreach_contacts:index")))
        assert _refused(client.get(reverse("outreach_segments:index")))


def test_anonymous_is_sent_to_login(client, objects):
    for name in INDEX_URLS:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"], name
    response = client.get(reverse("outreach_contacts:data_export", args=[objects["contact"].pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_nobody_edits_the_export_log_and_only_admins_remove_suppressions(press_client, superuser):
    from django.test import Client

    from outreach.models import SuppressionEntry
    from outreach.services.contacts import email_suppress

    admin_client = Client()
    admin_client.force_login(superuser)

    entry = email_suppress(email="weg@example.org", reason=SuppressionEntry.Reason.MANUAL)
    assert _refused(press_client.get(reverse("outreach_suppression:delete", args=[entry.pk])))
    assert _refused(press_client.get(reverse("outreach_suppression:edit", args=[entry.pk])))
    assert _refused(press_client.get(reverse("outreach_export_log:add")))
    assert _refused(admin_client.get(reverse("outreach_export_log:add")))
    assert admin_client.get(reverse("outreach_suppression:delete", args=[entry.pk])).status_code == 200


def test_press_officer_blocks_an_address_by_hand(press_client):
    from outreach.models import email_hash

    form = press_client.get(reverse("outreach_suppression:add")).content.decode()
    assert 'name="email"' in form and 'name="note"' in form
    response = press_client.post(reverse("outreach_suppression:add"),
                                 {"email": "Blocked@Example.org", "note": "asked by phone"})
    assert response.status_code == 302
    entry = SuppressionEntry.objects.get(email_hash=email_hash("blocked@example.org"))
    assert (entry.reason, entry.note) == (SuppressionEntry.Reason.MANUAL, "asked by phone")
