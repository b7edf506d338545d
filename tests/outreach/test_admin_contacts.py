"""The contact screens, through the real admin as a press officer."""

import csv
import io
import json

import pytest
from django.urls import reverse

from cms.models import RegionPage, Topic
from outreach.models import ActivityEvent, Contact, ExportLog, SuppressionEntry, email_hash
from outreach.services.activity import follow_up_create
from outreach.services.contacts import contact_object
from tests.outreach.factories import ContactFactory, ContactListFactory, JournalistFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NEW_CONTACT = {
    "email": "Neu@Example.org", "salutation": "ms", "academic_title": "", "first_name": "Nora", "last_name": "Neu",
    "language": "de", "organisation": "", "position": "Redakteurin", "phone": "", "mobile": "", "tags": "Wirtschaft",
    "legal_basis": "legitimate-interest", "legal_basis_note": "Berichtet über Industrie in Thüringen",
    "consent_given_at": "", "source": "Impressum thueringer-allgemeine.de",
}


def _listing_emails(response) -> set[str]:
    return {contact.email for contact in response.context["object_list"]}


class ContactIndexTests:
    def test_search_and_filters(self, press_client, german):
        industry = Topic.objects.get(slug="industriedialog", locale=german)
        thuringia = RegionPage.objects.get(slug="thueringen", locale=german)
        outlet = OrganisationFactory(name="Thüringer Allgemeine")
        wanted = JournalistFactory(contact__email="ta@example.org", contact__last_name="Zander", outlet=outlet,
                                   beats=[industry], regions=[thuringia]).contact
        wanted.tags.add("Landespresse")
        other = JournalistFactory(contact__email="other@example.org", contact__language="en").contact
        url = reverse("outreach_contacts:index")

        assert _listing_emails(press_client.get(url, {"q": "zander"})) == {wanted.email}
        for params in ({"beat": "industriedialog"}, {"region": thuringia.pk}, {"outlet": outlet.pk},
                       {"tag": "Landespresse"}, {"profile": "journalist", "language": "de", "beat": "industriedialog"},
                       {"last_contacted": "never", "tag": "Landespresse"}, {"bounce_state": "ok", "outlet": outlet.pk}):
            emails = _listing_emails(press_client.get(url, params))
            assert wanted.email in emails and other.email not in emails, params
        contact_object(contact=other)
        assert other.email in _listing_emails(press_client.get(url, {"is_suppressed": "true"}))
        assert other.email not in _listing_emails(press_client.get(url, {"is_suppressed": "false"}))

    def test_listing_has_bulk_action_checkboxes_and_buttons(self, press_client):
        ContactFactory()
        html = press_client.get(reverse("outreach_contacts:index")).content.decode()
        assert "data-bulk-action-checkbox" in html
        for action in ("add_to_list", "tag", "export"):
            assert reverse("wagtail_bulk_action", args=["outreach", "contact", action]) in html

    def test_listing_export_uses_filters_and_is_logged(self, press_client, press_officer):
        ContactFactory(email="de@example.org", language="de", first_name="=cmd")
        ContactFactory(email="en@example.org", language="en")
        response = press_client.get(reverse("outreach_contacts:index"), {"export": "csv", "language": "en"})
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert [row[0] for row in rows[1:]] == ["en@example.org"]
        log = ExportLog.objects.get()
        assert log.exported_by == press_officer and "language=en" in log.description


class ContactCreateEditTests:
    def test_create_goes_through_the_service(self, press_client, press_officer):
        response = press_client.post(reverse("outreach_contacts:add"), NEW_CONTACT)
        assert response.status_code == 302
        contact = Contact.objects.get(email="neu@example.org")
        assert contact.created_by == press_officer and list(contact.tags.names()) == ["Wirtschaft"]
        assert contact.activity.filter(kind=ActivityEvent.Kind.CREATED, actor=press_officer).exists()

    def test_suppressed_address_is_refused_with_a_reason(self, press_client):
        contact_object(contact=ContactFactory(email="neu@example.org"))
        Contact.objects.filter(email="neu@example.org").delete()
        response = press_client.post(reverse("outreach_contacts:add"), NEW_CONTACT)
        assert response.status_code == 200
        assert "suppression list" in response.content.decode()
        assert not Contact.objects.filter(email="neu@example.org").exists()

    def test_missing_legal_basis_documentation_gets_a_reason(self, press_client):
        response = press_client.post(reverse("outreach_contacts:add"), {**NEW_CONTACT, "legal_basis_note": ""})
        assert "document the reason" in response.content.decode()
        response = press_client.post(reverse("outreach_contacts:add"), {**NEW_CONTACT, "legal_basis": "consent"})
        assert "date the person agreed" in response.content.decode()

    def test_edit_records_the_changed_fields_and_keeps_the_address(self, press_client):
        contact = ContactFactory(email="alt@example.org", legal_basis_note="Presse")
        data = {**NEW_CONTACT, "email": "changed@example.org", "first_name": "Neuer Name",
                "last_name": contact.last_name, "legal_basis_note": "Presse", "source": contact.source,
                "position": contact.position, "salutation": contact.salutation, "tags": ""}
        response = press_client.post(reverse("outreach_contacts:edit", args=[contact.pk]), data)
        assert response.status_code == 302
        contact.refresh_from_db()
        assert contact.email == "alt@example.org" and contact.first_name == "Neuer Name"
        event = contact.activity.get(kind=ActivityEvent.Kind.EDITED)
        assert "first_name" in event.data["fields"]


class ContactPageTests:
    def test_shows_timeline_follow_ups_and_gdpr(self, press_client, press_officer):
        contact = ContactFactory(source="Visitenkarte", legal_basis_note="Fachjournalist")
        follow_up_create(contact=contact, title="Rückruf wegen Interview", due_on="2030-05-01", owner=press_officer)
        list_ = ContactListFactory(name="Landespresse")
        from outreach.services.audiences import list_add_contacts

        list_add_contacts(contact_list=list_, contact_ids=[contact.pk], actor=press_officer)
        html = press_client.get(reverse("outreach_contacts:inspect", args=[contact.pk])).content.decode()
        for text in ("Rückruf wegen Interview", "Added to list", "Landespresse", "Visitenkarte", "Fachjournalist",
                     "Due on first contact", "Objection", "Erase", "Data-subject export"):
            assert text in html, text

    def test_art14_notice_is_one_post(self, press_client):
        contact = ContactFactory()
        press_client.post(reverse("outreach_contacts:art14_notice", args=[contact.pk]))
        contact.refresh_from_db()
        assert contact.art14_notice_sent_at is not None
        assert press_client.get(reverse("outreach_contacts:art14_notice", args=[contact.pk])).status_code == 405

    def test_closing_a_follow_up(self, press_client):
        follow_up = follow_up_create(contact=ContactFactory(), title="Anrufen", due_on="2030-01-01")
        press_client.post(reverse("outreach_follow_ups:close", args=[follow_up.pk]))
        follow_up.refresh_from_db()
        assert follow_up.status == "done"

    def test_adding_a_follow_up_from_the_contact_page(self, press_client, press_officer):
        contact = ContactFactory()
        url = reverse("outreach_follow_ups:add") + f"?contact={contact.pk}"
        assert press_client.get(url).context["form"].initial["contact"] == contact.pk
        response = press_client.post(url, {"contact": contact.pk, "title": "Pressemappe schicken",
                                           "due_on": "2030-02-01", "owner": press_officer.pk})
        assert response.status_code == 302
        assert contact.follow_ups.get().owner == press_officer

    def test_journalist_profile_from_the_contact_page(self, press_client, german):
        contact = ContactFactory()
        outlet = OrganisationFactory(name="MDR")
        topic = Topic.objects.get(slug="industriedialog", locale=german)
        response = press_client.post(reverse("outreach_journalists:add") + f"?contact={contact.pk}", {
            "contact": contact.pk, "outlet": outlet.pk, "role": "Reporter", "media_type": "radio",
            "beats": [topic.pk], "languages": '["de"]',
        })
        assert response.status_code == 302
        assert contact.journalist.outlet == outlet and list(contact.journalist.beats.all()) == [topic]


class GdprActionTests:
    def test_objection_is_a_confirmed_post(self, press_client, press_officer):
        contact = ContactFactory()
        url = reverse("outreach_contacts:objection", args=[contact.pk])
        assert "Yes, record the objection" in press_client.get(url).content.decode()
        assert not SuppressionEntry.objects.exists()
        press_client.post(url, {"note": "Anruf vom 3. Mai"})
        entry = SuppressionEntry.objects.get(email_hash=contact.email_hash)
        assert entry.reason == "objection" and entry.created_by == press_officer and entry.note == "Anruf vom 3. Mai"
        assert Contact.objects.filter(pk=contact.pk).exists()

    def test_erase_keeps_only_the_hash(self, press_client):
        contact = ContactFactory(email="weg@example.org")
        url = reverse("outreach_contacts:delete", args=[contact.pk])
        assert "Yes, erase" in press_client.get(url).content.decode()
        press_client.post(url, {"note": "Schreiben vom 1. Juni"})
        assert not Contact.objects.filter(email="weg@example.org").exists()
        assert SuppressionEntry.objects.get(email_hash=email_hash("weg@example.org")).reason == "erasure"
        response = press_client.post(reverse("outreach_contacts:add"), {**NEW_CONTACT, "email": "WEG@example.org"})
        assert "suppression list" in response.content.decode()

    def test_data_subject_export_is_a_json_download(self, press_client):
        contact = ContactFactory(email="auskunft@example.org")
        response = press_client.get(reverse("outreach_contacts:data_export", args=[contact.pk]))
        assert response["Content-Type"].startswith("application/json")
        assert "attachment" in response["Content-Disposition"]
        assert json.loads(response.content)["contact"]["email"] == "auskunft@example.org"
        assert ExportLog.objects.filter(file_format="json").exists()


class BulkActionTests:
    def _url(self, action, contacts):
        return reverse("wagtail_bulk_action", args=["outreach", "contact", action]) + "?" + "&".join(
            f"id={contact.pk}" for contact in contacts
        ) + "&next=" + reverse("outreach_contacts:index")

    def test_add_to_list(self, press_client, press_officer):
        contacts = [ContactFactory(), ContactFactory()]
        target = ContactListFactory()
        url = self._url("add_to_list", contacts)
        assert press_client.get(url).status_code == 200
        response = press_client.post(url, {"contact_list": target.pk})
        assert response.status_code == 302
        assert target.memberships.count() == 2
        response = press_client.post(url, {})
        assert "Choose the list" in response.content.decode()

    def test_tag(self, press_client):
        contacts = [ContactFactory(), ContactFactory()]
        press_client.post(self._url("tag", contacts), {"tags": "Messe 2026, Presse"})
        for contact in contacts:
            assert sorted(contact.tags.names()) == ["Messe 2026", "Presse"]

    def test_export_asks_for_the_purpose_and_logs_it(self, press_client, press_officer):
        contacts = [ContactFactory(first_name="+SUM(1)"), ContactFactory()]
        response = press_client.post(self._url("export", contacts), {"file_format": "csv", "purpose": ""})
        assert "export log" in response.content.decode()
        response = press_client.post(self._url("export", contacts), {"file_format": "csv", "purpose": "Einladung"})
        assert "'+SUM(1)" in response.content.decode("utf-8-sig")
        log = ExportLog.objects.get()
        assert log.row_count == 2 and "Einladung" in log.description and log.exported_by == press_officer
