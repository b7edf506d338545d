"""GDPR-safe defaults through the real admin: the import's upload, preview and finished page, the contact
listing's status, the suppression list, and the segment editor's live count."""

import pytest
from django.test import Client
from django.urls import reverse

from outreach.models import ActivityEvent, Contact, ContactImport, ContactList, SuppressionEntry
from outreach.services.contacts import contact_erase, contact_object, email_suppress
from outreach.services.imports import contact_import_run
from tests.outreach.factories import ContactFactory
from tests.outreach.importfiles import csv_bytes, upload

pytestmark = pytest.mark.django_db

TRADE_FAIR_CSV = [
    ["E-Mail", "Vorname", "Nachname", "Firma", "Medium", "Ressort", "Ort", "Bemerkung"],
    ["jana@example.org", "Jana", "Koch", "", "Thüringer Allgemeine", "Industriedialog", "Thüringen", "Messe Tag 1"],
    ["ömer.y?lmaz@example.org", "Ömer", "Yılmaz", "", "WAZ", "", "", ""],
]


@pytest.fixture
def german_client(django_user_model):
    from outreach.services.roles import press_office_group_ensure

    user = django_user_model.objects.create_user("presse-gdpr", "presse-gdpr@example.org", "pw-for-tests-only")
    user.groups.add(press_office_group_ensure())
    client = Client()
    client.force_login(user)
    return client


def trade_fair_upload(**extra) -> dict:
    return {"file": upload("messe.csv", csv_bytes(TRADE_FAIR_CSV, delimiter=";")), "legal_basis": "legitimate-interest",
            "legal_basis_note": "Fachpresse, die über die Messe berichtet", "data_origin": "trade-fair",
            "source": "Presseliste Hannover Messe 2026", "tags": "", "create_organisations": "on",
            "profile_kind": "journalist", **extra}


class ImportUploadTests:
    def test_the_legal_basis_and_origin_are_not_preselected_and_are_required(self, press_client):
        page = press_client.get(reverse("contact_imports:add")).content.decode()
        assert '<option value="" selected>---------</option>' in page
        response = press_client.post(reverse("contact_imports:add"),
                                     trade_fair_upload(legal_basis="", data_origin=""))
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert "legal_basis" in errors and "data_origin" in errors
        assert not ContactImport.objects.exists()

    def test_consent_without_proof_is_refused_field_by_field(self, press_client):
        response = press_client.post(reverse("contact_imports:add"), trade_fair_upload(legal_basis="consent"))
        assert response.status_code == 400
        assert {"consent_source", "consent_given_on", "consent_reference"} <= set(response.context["form"].errors)

    def test_trade_fair_import_from_preview_to_the_finished_page(self, press_client, django_capture_on_commit_callbacks):
        contact_list = ContactList.objects.create(name="Messe 2026")
        response = press_client.post(reverse("contact_imports:add"), trade_fair_upload(target_list=contact_list.pk))
        contact_import = ContactImport.objects.get()
        assert response.status_code == 302, response.context["form"].errors
        page = press_client.get(reverse("contact_imports:preview", args=[contact_import.pk])).content.decode()
        problems = page.split("data-import-problems", 1)[1].split("</table>", 1)[0]
        information = page.split("data-import-information", 1)[1].split("</table>", 1)[0]
        # The damaged address is a problem; the outlet to be created is information, in the future tense.
        assert "ömer.y?lmaz@example.org" in problems and "data-damaged-email" in problems
        assert "Thüringer Allgemeine" in information and "will be created" in information
        assert "Thüringer Allgemeine" not in problems

        mapping = {f"column_{i}": contact_import.column_mapping[h] for i, h in enumerate(contact_import.headers)}
        with django_capture_on_commit_callbacks(execute=False):
            press_client.post(reverse("contact_imports:preview", args=[contact_import.pk]),
                              {**mapping, "profile_kind": "journalist", "action": "start"})
        contact_import_run(import_id=contact_import.pk)
        done = press_client.get(reverse("contact_imports:progress", args=[contact_import.pk])).content.decode()
        assert "Outlet &#x27;Thüringer Allgemeine&#x27; was created." in done or "Thüringer Allgemeine' was created" in done
        assert "These rows were left out." in done
        contacts_url = f'{reverse("outreach_contacts:index")}?contact_import={contact_import.pk}'
        assert contacts_url in done and f'{reverse("outreach_contacts:index")}?list={contact_list.pk}' in done

        listed = press_client.get(contacts_url)
        assert {contact.email for contact in listed.context["object_list"]} == {"jana@example.org"}
        jana = Contact.objects.get(email="jana@example.org")
        assert jana.data_origin == "trade-fair"
        inspect = press_client.get(reverse("outreach_contacts:inspect", args=[jana.pk])).content.decode()
        assert "Due on first contact" in inspect


class ContactStatusTests:
    def test_the_listing_says_objection_or_blocked_not_deliverable(self, german_client):
        objected = ContactFactory(email="widerspruch@example.org", last_name="Aaa")
        blocked = ContactFactory(email="gesperrt@example.org", last_name="Bbb")
        ContactFactory(email="ok@example.org", last_name="Ccc")
        contact_object(contact=objected, note="Brief vom 3. Mai")
        email_suppress(email=blocked.email, reason=SuppressionEntry.Reason.MANUAL)
        page = german_client.get(reverse("outreach_contacts:index")).content.decode()
        rows = {email: page.split(email, 1)[1].split("</tr>", 1)[0]
                for email in ("widerspruch@example.org", "gesperrt@example.org", "ok@example.org")}
        assert "Widerspruch" in rows["widerspruch@example.org"] and "Zustellbar" not in rows["widerspruch@example.org"]
        assert "Gesperrt" in rows["gesperrt@example.org"] and "Zustellbar" not in rows["gesperrt@example.org"]
        assert "Zustellbar" in rows["ok@example.org"]


class SuppressionListTests:
    def test_known_contacts_by_name_erased_people_by_hash_only(self, press_client, press_officer):
        known = ContactFactory(email="bekannt@example.org", first_name="Berta", last_name="Bekannt")
        contact_object(contact=known, actor=press_officer, note="Anruf am 2. Mai")
        gone = ContactFactory(email="weg@example.org", first_name="Willi", last_name="Weg")
        gone_hash = contact_erase(contact=gone, actor=press_officer)
        page = press_client.get(reverse("outreach_suppression:index")).content.decode()
        assert "Berta Bekannt &lt;bekannt@example.org&gt;" in page and "Anruf am 2. Mai" in page
        assert reverse("outreach_contacts:inspect", args=[known.pk]) in page
        assert press_officer.get_username() in page or str(press_officer) in page
        assert "weg@example.org" not in page and "Willi" not in page and gone_hash[:16] in page


class SegmentEditorTests:
    def test_the_editor_offers_choices_and_loads_its_script(self, press_client):
        ContactList.objects.create(name="Presse Thüringen")
        page = press_client.get(reverse("outreach_segments:add")).content.decode()
        assert 'id="segment-field-choices"' in page and "Presse Thüringen" in page and "Thüringen" in page
        assert "outreach/js/segment-editor.js" in page and "data-add-condition" in page
        assert "onclick" not in page.split("data-segment-editor", 1)[1]

    def test_the_live_count_evaluates_the_rows_on_screen_without_saving(self, press_client):
        ContactFactory(email="de@example.org", language="de")
        ContactFactory(email="en@example.org", language="en")
        data = {"conditions-TOTAL_FORMS": "2", "conditions-INITIAL_FORMS": "0", "match": "all",
                "conditions-0-field": "language", "conditions-0-op": "in", "conditions-0-value": "English",
                "conditions-1-field": "", "conditions-1-op": "in", "conditions-1-value": ""}
        response = press_client.post(reverse("outreach_segments:count"), data)
        assert response.status_code == 200 and response.json()["size"] == 1
        assert response.json()["text"] == "Currently 1 contact"
        bad = press_client.post(reverse("outreach_segments:count"), {**data, "conditions-0-value": "Klingonisch"})
        assert bad.status_code == 400 and "Klingonisch" in bad.json()["error"]
        from outreach.models import Segment

        assert not Segment.objects.exists()

    def test_the_count_needs_segment_rights(self, client, django_user_model):
        user = django_user_model.objects.create_user("nobody", "n@example.org", "pw-for-tests-only", is_staff=True)
        from django.contrib.auth.models import Permission

        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(user)
        response = client.post(reverse("outreach_segments:count"), {})
        assert response.status_code in (302, 403)


def test_the_notes_column_lands_on_the_timeline(press_client, django_capture_on_commit_callbacks):
    press_client.post(reverse("contact_imports:add"), trade_fair_upload())
    contact_import = ContactImport.objects.get()
    mapping = {f"column_{i}": contact_import.column_mapping[h] for i, h in enumerate(contact_import.headers)}
    with django_capture_on_commit_callbacks(execute=False):
        press_client.post(reverse("contact_imports:preview", args=[contact_import.pk]),
                          {**mapping, "profile_kind": "journalist", "action": "start"})
    contact_import_run(import_id=contact_import.pk)
    note = ActivityEvent.objects.get(kind=ActivityEvent.Kind.NOTE)
    assert (note.contact.email, note.summary) == ("jana@example.org", "Messe Tag 1")


class ConsentProofTests:
    """The consent proof given at import is reachable from each contact it created, the file kept once."""

    def import_with_consent(self):
        import datetime

        from django.core.files.uploadedfile import SimpleUploadedFile

        from outreach.services.imports import contact_import_create, contact_import_preview
        from tests.outreach.importfiles import GDPR

        proof = SimpleUploadedFile("einwilligungen-messe.pdf", b"%PDF-1.4 unterschrieben", content_type="application/pdf")
        contact_import = contact_import_create(
            file=upload("anmeldungen.csv", csv_bytes([["E-Mail"], ["anna@example.org"], ["ben@example.org"]])),
            user=None, **{**GDPR, "legal_basis": "consent", "legal_basis_note": "", "data_origin": "person",
                          "consent_source": "Anmeldeformular am Messestand",
                          "consent_given_on": datetime.date(2026, 4, 22), "consent_reference": "Ordner P-12",
                          "consent_document": proof})
        contact_import_preview(contact_import=contact_import)
        return contact_import_run(import_id=contact_import.pk)

    def test_each_imported_contact_shows_and_downloads_the_imports_proof(self, german_client):
        contact_import = self.import_with_consent()
        contacts = list(Contact.objects.filter(email__in=["anna@example.org", "ben@example.org"]))
        assert len(contacts) == 2 and {contact.consent_import_id for contact in contacts} == {contact_import.pk}
        for contact in contacts:
            page = german_client.get(reverse("outreach_contacts:inspect", args=[contact.pk])).content.decode()
            proof = page.split("data-consent-proof", 1)[1].split("</dd>", 1)[0]
            assert "Import von „anmeldungen.csv“" in proof
            assert "Anmeldeformular am Messestand" in proof and "Ordner P-12" in proof
            download_url = reverse("outreach_contacts:consent_document", args=[contact.pk])
            assert download_url in proof and "Nachweis-Dokument herunterladen" in proof
            response = german_client.get(download_url)
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == b"%PDF-1.4 unterschrieben"
            assert response["Content-Disposition"].startswith("attachment")
            assert "no-store" in response["Cache-Control"]

    def test_no_proof_document_no_download_and_no_access_without_the_contacts_right(self, german_client, client,
                                                                                   django_user_model):
        from cms.services.roles import editors_group_ensure

        contact_import = self.import_with_consent()
        by_hand = ContactFactory(email="hand@example.org")
        assert german_client.get(reverse("outreach_contacts:consent_document", args=[by_hand.pk])).status_code == 404
        editor = django_user_model.objects.create_user("redaktion-gdpr", "r@example.org", "pw-for-tests-only")
        editor.groups.add(editors_group_ensure())
        client.force_login(editor)
        imported = contact_import.consented_contacts.first()
        response = client.get(reverse("outreach_contacts:consent_document", args=[imported.pk]))
        assert response.status_code in (302, 403)
