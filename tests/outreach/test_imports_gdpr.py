"""GDPR-safe imports: no default legal basis, consent with its proof, the Art. 14 notice for data from third
parties, Excel-damaged addresses, and profile columns that put imported journalists into segments."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from outreach.models import (
    ActivityEvent,
    Contact,
    ContactImport,
    JournalistProfile,
    Organisation,
    OrganisationKind,
    ProtagonistProfile,
)
from outreach.notices import art14_notice_due
from outreach.selectors import contact_privacy_state
from outreach.services.audiences import segment_count, segment_save
from outreach.services.imports import contact_import_create, contact_import_preview, contact_import_run
from tests.outreach.factories import ContactFactory
from tests.outreach.importfiles import GDPR, csv_bytes, upload

pytestmark = pytest.mark.django_db

TRADE_FAIR = {"legal_basis": "legitimate-interest", "legal_basis_note": "Fachpresse auf der Hannover Messe",
              "data_origin": "trade-fair", "source": "Ausstellerliste Hannover Messe 2026"}
PRESS_ROWS = [
    ["E-Mail", "Vorname", "Nachname", "Medium", "Ressort", "Ort/Region", "Funktion", "Bemerkung"],
    ["jana@example.org", "Jana", "Koch", "Thüringer Allgemeine", "Industriedialog, Arbeit der Zukunft", "Thüringen",
     "Redakteurin", "Am Stand getroffen"],
    ["kai@example.org", "Kai", "Lenz", "Rheinische Post", "akzeptanz", "Krefeld; Atlantis", "Ressortleiter", ""],
]


def run(rows, **options):
    contact_import = contact_import_create(file=upload("liste.csv", csv_bytes(rows, delimiter=";")), user=None,
                                           **{**GDPR, **options})
    preview = contact_import_preview(contact_import=contact_import)
    return preview, contact_import_run(import_id=contact_import.pk)


class LegalBasisTests:
    def test_no_legal_basis_no_origin_no_import(self):
        file = upload("liste.csv", csv_bytes([["E-Mail"], ["a@example.org"]]))
        with pytest.raises(ValidationError) as exc_info:
            contact_import_create(file=file, user=None)
        assert set(exc_info.value.message_dict) == {"legal_basis", "data_origin"}
        assert not ContactImport.objects.exists()

    def test_consent_asks_for_source_date_and_proof(self):
        file = upload("liste.csv", csv_bytes([["E-Mail"], ["a@example.org"]]))
        with pytest.raises(ValidationError) as exc_info:
            contact_import_create(file=file, user=None, legal_basis="consent", data_origin="person")
        assert set(exc_info.value.message_dict) == {"consent_source", "consent_given_on", "consent_reference"}

    def test_consent_with_its_proof_is_kept_on_every_new_contact(self):
        proof = SimpleUploadedFile("einwilligungen.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
        _preview, contact_import = run(
            [["E-Mail"], ["a@example.org"]], legal_basis="consent", legal_basis_note="", data_origin="person",
            consent_source="Anmeldeformular am Messestand", consent_given_on=datetime.date(2026, 4, 22),
            consent_document=proof,
        )
        contact = Contact.objects.get(email="a@example.org")
        assert contact.legal_basis == "consent" and contact.consent_given_at.date() == datetime.date(2026, 4, 22)
        assert "Anmeldeformular am Messestand" in contact.legal_basis_note
        assert f"Import #{contact_import.pk}" in contact.legal_basis_note
        assert contact_import.consent_document.read() == b"%PDF-1.4 signed"
        assert not contact_privacy_state(contact=contact).is_art14_notice_due  # from the person: Art. 13, not 14
        assert contact_privacy_state(contact=contact).has_documented_basis

    def test_a_trade_fair_list_marks_the_art14_notice_due(self):
        run([["E-Mail"], ["messe@example.org"]], **TRADE_FAIR)
        contact = Contact.objects.get(email="messe@example.org")
        assert (contact.data_origin, contact.source) == ("trade-fair", "Ausstellerliste Hannover Messe 2026")
        assert art14_notice_due(contact) and contact_privacy_state(contact=contact).is_art14_notice_due


class DamagedAddressTests:
    def test_excel_damaged_addresses_are_flagged_and_not_imported(self):
        preview, contact_import = run([["E-Mail", "Vorname"], ["ömer.y?lmaz@example.org", "Ömer"],
                                       ["j\ufffdrgen@example.org", "Jürgen"], ["heil@example.org", "Heil"]])
        damaged = [problem for problem in preview["problems"] if problem["code"] == "damaged_email"]
        assert [problem["row"] for problem in damaged] == [2, 3] and all(p["rejected"] for p in damaged)
        assert "ömer.y?lmaz@example.org" in damaged[0]["message"]
        assert preview["counts"]["rejected"] == 2 and contact_import.created_count == 1
        assert list(Contact.objects.values_list("email", flat=True)) == ["heil@example.org"]


class ProfileColumnTests:
    def test_journalists_get_outlet_beats_regions_role_and_notes_and_appear_in_segments(self):
        preview, contact_import = run(PRESS_ROWS, profile_kind="journalist")
        assert contact_import.created_count == 2
        jana = JournalistProfile.objects.get(contact__email="jana@example.org")
        assert (jana.outlet.name, jana.outlet.kind, jana.role) == ("Thüringer Allgemeine", OrganisationKind.OUTLET,
                                                                   "Redakteurin")
        assert sorted(jana.beats.values_list("slug", flat=True)) == ["arbeit-der-zukunft", "industriedialog"]
        assert list(jana.regions.values_list("slug", flat=True)) == ["thueringen"]
        kai = JournalistProfile.objects.get(contact__email="kai@example.org")
        assert list(kai.regions.values_list("slug", flat=True)) == ["krefeld"]
        assert ActivityEvent.objects.get(kind=ActivityEvent.Kind.NOTE).summary == "Am Stand getroffen"
        unknown = [item["message"] for item in preview["warnings"] if item["code"] == "unknown_region"]
        assert len(unknown) == 1 and "Atlantis" in unknown[0]
        # Inserted with their facets: beat and region segments find them at once.
        thuringia = segment_save(name="Thüringen, Industriedialog", rules={"match": "all", "conditions": [
            {"field": "beat", "op": "in", "value": ["industriedialog"]},
            {"field": "region", "op": "in", "value": ["thueringen"]}]})
        krefeld = segment_save(name="Krefeld", rules={"match": "all", "conditions": [
            {"field": "region", "op": "in", "value": ["krefeld"]}, {"field": "profile", "op": "in",
                                                                    "value": ["journalist"]}]})
        assert (segment_count(segment=thuringia), segment_count(segment=krefeld)) == (1, 1)

    def test_the_same_file_again_changes_nothing_and_adds_no_second_note(self):
        run(PRESS_ROWS, profile_kind="journalist")
        preview, second = run(PRESS_ROWS, profile_kind="journalist")
        assert preview["counts"]["unchanged"] == 2 and second.updated_count == 0
        assert ActivityEvent.objects.filter(kind=ActivityEvent.Kind.NOTE).count() == 1

    def test_an_existing_contact_gains_the_profile_and_the_segment_sees_it(self):
        ContactFactory(email="jana@example.org", first_name="Jana", last_name="Koch")
        preview, contact_import = run(PRESS_ROWS[:2], profile_kind="journalist")
        assert preview["counts"]["updated"] == 1
        segment = segment_save(name="Zukunft", rules={"match": "all", "conditions": [
            {"field": "beat", "op": "in", "value": ["arbeit-der-zukunft"]}]})
        assert segment_count(segment=segment) == 1
        assert JournalistProfile.objects.get(contact__email="jana@example.org").outlet.name == "Thüringer Allgemeine"

    def test_protagonists_get_function_and_regions(self):
        rows = [["E-Mail", "Firma", "Funktion", "Region"], ["bm@example.org", "Stadt Krefeld", "Bürgermeister", "Krefeld"]]
        run(rows, profile_kind="protagonist")
        profile = ProtagonistProfile.objects.get(contact__email="bm@example.org")
        assert (profile.function, profile.organisation.name) == ("Bürgermeister", "Stadt Krefeld")
        assert list(profile.regions.values_list("slug", flat=True)) == ["krefeld"]

    def test_without_a_profile_outlet_and_function_fill_organisation_and_position(self):
        preview, _done = run(PRESS_ROWS)
        jana = Contact.objects.get(email="jana@example.org")
        assert (jana.organisation.name, jana.position) == ("Thüringer Allgemeine", "Redakteurin")
        assert not JournalistProfile.objects.exists()
        assert preview["notes"] and "Ressort" in preview["notes"][0]
        assert Organisation.objects.get(name="Thüringer Allgemeine").kind == OrganisationKind.OTHER
