"""The import services, called directly against the real database."""

import pytest
from django.core.exceptions import ValidationError

from outreach.models import ActivityEvent, Contact, ContactImport, ContactList, Organisation, SuppressionEntry
from outreach.services import imports
from outreach.services.contacts import email_suppress
from outreach.imports.applying import apply_batch
from outreach.services.imports import contact_import_create, contact_import_preview, contact_import_run
from outreach.tasks import contact_import_run_task
from tests.outreach.factories import ContactFactory, OrganisationFactory
from tests.outreach.importfiles import (
    GDPR,
    csv_bytes,
    excel_german_cp1252,
    excel_utf8_bom,
    listmonk_export,
    mailchimp_export,
    upload,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


def imported(file, user=None, **options) -> ContactImport:
    contact_import = contact_import_create(file=file, user=user, **{**GDPR, **options})
    contact_import_preview(contact_import=contact_import)
    return contact_import_run(import_id=contact_import.pk)


def organisations_named(lower_name: str) -> int:
    """Compared in Python: SQLite's iexact folds only ASCII, and these names have umlauts."""
    return sum(1 for name in Organisation.objects.values_list("name", flat=True) if name.lower() == lower_name)


class ContactImportPreviewTests:
    def test_german_excel_csv_is_read_as_cp1252_with_semicolons_and_nothing_is_written(self):
        contact_import = contact_import_create(file=excel_german_cp1252(), user=None, **GDPR)
        assert (contact_import.file_format, contact_import.encoding, contact_import.delimiter) == ("csv", "cp1252", ";")
        assert contact_import.column_mapping["E-Mail"] == "email"
        assert contact_import.column_mapping["Anrede"] == "salutation"

        preview = contact_import_preview(contact_import=contact_import)

        assert preview["counts"] == {"new": 2, "updated": 0, "unchanged": 0, "rejected": 1}
        assert [p["code"] for p in preview["problems"]] == ["invalid_email"]
        assert preview["problems"][0]["row"] == 4
        assert "kein-at-zeichen.example.org" in preview["problems"][0]["message"]
        unknown = [w for w in preview["warnings"] if w["code"] == "unknown_organisation"]
        assert {w["row"] for w in unknown} == {2, 3}
        assert not Contact.objects.filter(email__in=["anne.mueller@example.org", "bjoern.weiss@example.org"]).exists()
        assert not Organisation.objects.filter(name="Südwest Presse").exists()
        assert ContactImport.objects.get(pk=contact_import.pk).status == ContactImport.Status.PREVIEWED

    def test_preview_shows_updates_and_unchanged_for_existing_contacts(self):
        ContactFactory(email="greta.groß@example.org", first_name="Greta", last_name="Gross")
        contact_import = contact_import_create(file=excel_utf8_bom(), user=None, **GDPR)
        preview = contact_import_preview(contact_import=contact_import)
        assert preview["counts"]["updated"] == 1
        updated = [s for s in preview["sample"] if s["effect"] == "updated"][0]
        assert "last_name" in updated["fields"] and "organisation" in updated["fields"]

    def test_a_mapping_without_email_is_refused(self):
        contact_import = contact_import_create(file=excel_utf8_bom(), user=None, **GDPR)
        with pytest.raises(ValidationError, match="e-mail"):
            contact_import_preview(contact_import=contact_import, column_mapping={"Vorname": "first_name"})

    def test_a_field_mapped_twice_is_refused(self):
        contact_import = contact_import_create(file=excel_utf8_bom(), user=None, **GDPR)
        mapping = dict(contact_import.column_mapping, Nachname="first_name")
        with pytest.raises(ValidationError, match="one column"):
            contact_import_preview(contact_import=contact_import, column_mapping=mapping)


class ContactImportRunTests:
    def test_german_excel_csv_keeps_umlauts_salutation_title_and_creates_the_organisations(self):
        contact_import = imported(excel_german_cp1252(), legal_basis="legitimate-interest",
                                  legal_basis_note="Fachpresse", source="Presseverteiler 2024")
        assert contact_import.status == ContactImport.Status.DONE
        assert (contact_import.created_count, contact_import.rejected_count) == (2, 1)
        anne = Contact.objects.get(email="anne.mueller@example.org")
        assert (anne.first_name, anne.last_name, anne.salutation, anne.academic_title) == (
            "Jürgen-Änne", "Müller-Lüdenscheidt", "ms", "Dr.")
        assert anne.organisation.name == "Rheinische Post"
        assert (anne.source, anne.legal_basis_note, anne.language) == ("Presseverteiler 2024", "Fachpresse", "de")
        assert anne.email_hash and ActivityEvent.objects.filter(contact=anne, kind="imported").count() == 1
        assert contact_import.problems[0]["code"] == "invalid_email"
        assert not contact_import.file  # personal data kept once, in the contacts

    def test_imported_contacts_get_their_own_ids_and_later_contacts_new_ones(self):
        before = ContactFactory(email="vorher@example.org")
        rows = [["E-Mail", "Vorname"]] + [[f"import{n}@example.org", f"Person {n}"] for n in range(30)]
        contact_import = imported(upload("ids.csv", csv_bytes(rows)))
        after = ContactFactory(email="nachher@example.org")  # an ordinary insert, after the import's ids

        assert contact_import.created_count == 30
        ids = dict(Contact.objects.filter(email__startswith="import").values_list("email", "id"))
        assert len(set(ids.values())) == 30 and min(ids.values()) > before.pk and after.pk > max(ids.values())
        assert Contact.objects.get(pk=ids["import7@example.org"]).first_name == "Person 7"
        member_ids = set(ActivityEvent.objects.filter(kind="imported").values_list("contact_id", flat=True))
        assert member_ids == set(ids.values())  # the timeline points at the rows the ids were given to

    def test_utf8_bom_organisations_match_case_insensitively(self):
        existing = OrganisationFactory(name="THÜRINGER ALLGEMEINE")
        imported(excel_utf8_bom())
        assert Contact.objects.get(email="oskar@example.org").organisation == existing
        assert Contact.objects.get(email="greta.groß@example.org").organisation == existing
        assert organisations_named("thüringer allgemeine") == 1

    def test_unknown_organisations_are_not_created_when_opted_out(self):
        contact_import = imported(excel_utf8_bom(), create_organisations=False)
        assert contact_import.created_count == 2
        assert Contact.objects.get(email="oskar@example.org").organisation is None
        assert organisations_named("thüringer allgemeine") == 0

    def test_mailchimp_export_with_tags(self):
        contact_import = imported(mailchimp_export(), tags="Mailchimp")
        assert contact_import.created_count == 2
        mia = Contact.objects.get(email="mc.one@example.org")
        assert set(mia.tags.names()) == {"Presse", "Industrie 4.0", "Mailchimp"}
        assert (mia.first_name, mia.phone) == ("Mia", "0170 1")

    def test_listmonk_export_splits_names_reads_attributes_and_leaves_out_blocklisted(self):
        contact_import = imported(listmonk_export())
        lena = Contact.objects.get(email="lm.one@example.org")
        assert (lena.first_name, lena.last_name, lena.language, lena.organisation.name) == (
            "Lena", "Monk", "en", "Neue Presse")
        assert not Contact.objects.filter(email="lm.two@example.org").exists()
        assert contact_import.problems[0]["code"] == "opted_out"

    def test_xlsx_made_with_openpyxl(self):
        rows = [["E-Mail", "Vorname", "Nachname", "Telefon"],
                ["xl@example.org", "Xaver", "Lüttich", 4917012345],
                [None, None, None, None],
                ["xl@example.org", "Zweiter", "Eintrag", None]]
        contact_import = imported(xlsx_file(rows))
        assert contact_import.file_format == "xlsx"
        xaver = Contact.objects.get(email="xl@example.org")
        assert (xaver.last_name, xaver.phone) == ("Lüttich", "4917012345")
        assert contact_import.problems[0]["code"] == "duplicate"
        assert contact_import.problems[0]["row"] == 4 and "row 2" in contact_import.problems[0]["message"]

    def test_suppressed_addresses_duplicates_and_bad_rows_are_rejected_and_the_rest_is_kept(self):
        email_suppress(email="objected@example.org", reason=SuppressionEntry.Reason.OBJECTION)
        rows = [["email", "first name"], ["ok1@example.org", "A"], ["Objected@Example.org", "B"],
                ["not an address", "C"], ["OK1@example.org", "D"], ["", "E"], ["ok2@example.org", "x" * 200]]
        contact_import = imported(upload("c.csv", csv_bytes(rows)))
        codes = {p["row"]: p["code"] for p in contact_import.problems}
        assert codes == {3: "suppressed", 4: "invalid_email", 5: "duplicate", 6: "missing_email", 7: "too_long"}
        assert "suppression list" in contact_import.problems[0]["message"]
        assert list(Contact.objects.filter(email__startswith="ok").values_list("email", flat=True)) == ["ok1@example.org"]
        assert not Contact.objects.filter(email="objected@example.org").exists()

    def test_updates_fill_fields_and_empty_cells_erase_nothing(self):
        ContactFactory(email="oskar@example.org", first_name="Oskar", last_name="Alt", phone="030 1")
        contact_import = imported(excel_utf8_bom())
        oskar = Contact.objects.get(email="oskar@example.org")
        assert (oskar.last_name, oskar.phone) == ("Öztürk", "030 1")
        assert contact_import.updated_count == 1
        assert ActivityEvent.objects.filter(contact=oskar, kind="imported").count() == 1

    def test_reimporting_the_same_file_changes_nothing(self):
        contact_list = ContactList.objects.create(name="Presse Süd")
        first = imported(excel_german_cp1252(), target_list=contact_list, tags="Import 2024")
        before = (Contact.objects.count(), ActivityEvent.objects.count(), Organisation.objects.count(),
                  contact_list.memberships.count())
        second = contact_import_create(file=excel_german_cp1252(), user=None, **GDPR, target_list=contact_list,
                                       tags="Import 2024")
        assert contact_import_preview(contact_import=second)["counts"] == {
            "new": 0, "updated": 0, "unchanged": 2, "rejected": 1}
        second = contact_import_run(import_id=second.pk)
        assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 2)
        assert before == (Contact.objects.count(), ActivityEvent.objects.count(), Organisation.objects.count(),
                          contact_list.memberships.count())
        assert first.created_count == 2 and contact_list.memberships.count() == 2


    def test_new_and_existing_contacts_join_the_list_with_tags_and_timeline_events(self, superuser):
        contact_list = ContactList.objects.create(name="Presse Nord")
        oskar = ContactFactory(email="oskar@example.org", first_name="Oskar", last_name="Öztürk")
        contact_import = imported(excel_utf8_bom(), user=superuser, target_list=contact_list, tags="Nord, Presse")
        greta = Contact.objects.get(email="greta.groß@example.org")
        assert (contact_import.created_count, contact_import.updated_count) == (1, 1)
        assert set(contact_list.memberships.values_list("contact_id", "added_by_id")) == {
            (greta.pk, superuser.pk), (oskar.pk, superuser.pk)}
        for contact in (greta, oskar):
            assert sorted(contact.tags.names()) == ["Nord", "Presse"]
            events = ActivityEvent.objects.filter(contact=contact, actor=superuser)
            assert sorted(events.values_list("kind", flat=True)) == ["added-to-list", "imported"]
            assert events.get(kind="added-to-list").subject == f"outreach.contactlist:{contact_list.pk}"
            assert events.get(kind="imported").data == {}
        oskar.refresh_from_db()
        assert oskar.organisation.name == "Thüringer Allgemeine" and oskar.first_name == "Oskar"


class ContactImportResumeTests:
    """A worker that dies after committing some batches: the retried task goes on from there."""

    def rows(self, count):
        return [["email", "Firma"]] + [[f"resume{n}@example.org", f"Firma {n % 3}"] for n in range(count)]

    def test_a_retried_run_resumes_after_the_committed_batches(self, monkeypatch):
        monkeypatch.setattr(imports, "BATCH_SIZE", 4)
        contact_import = contact_import_create(file=upload("r.csv", csv_bytes(self.rows(10))), user=None, **GDPR)
        contact_import_preview(contact_import=contact_import)
        # What the first worker committed before it died: the first batch, through the same code the run uses.
        with imports._opened(contact_import) as table:
            planner = imports._planner(contact_import, table.headers)
            assert apply_batch(contact_import, planner, list(table.rows)[:4], offset=0)
        assert ContactImport.objects.get(pk=contact_import.pk).resume_row == 4

        done = contact_import_run_task.apply(args=[contact_import.pk]).get()

        assert done["status"] == "done" and (done["created"], done["processed_rows"]) == (10, 10)
        assert Contact.objects.filter(email__startswith="resume").count() == 10
        assert ActivityEvent.objects.filter(contact__email__startswith="resume", kind="imported").count() == 10
        assert Organisation.objects.filter(name__startswith="Firma ").count() == 3

    def test_a_batch_another_run_committed_is_not_applied_again(self, monkeypatch):
        monkeypatch.setattr(imports, "BATCH_SIZE", 4)
        contact_import = contact_import_create(file=upload("r.csv", csv_bytes(self.rows(6))), user=None, **GDPR)
        contact_import_preview(contact_import=contact_import)
        with imports._opened(contact_import) as table:
            planner = imports._planner(contact_import, table.headers)
            first_batch = list(table.rows)[:4]
            assert apply_batch(contact_import, planner, first_batch, offset=0)
            # A second worker holding the same redelivered message sees resume_row has moved on.
            assert not apply_batch(contact_import, planner, first_batch, offset=0)
        assert ContactImport.objects.get(pk=contact_import.pk).created_count == 4
        again = contact_import_run_task.apply(args=[contact_import.pk]).get()
        assert (again["created"], again["status"]) == (6, "done")
        assert ActivityEvent.objects.filter(contact__email__startswith="resume", kind="imported").count() == 6

    def test_starting_queues_the_task_once_after_commit(self, django_capture_on_commit_callbacks):
        contact_import = contact_import_create(file=excel_utf8_bom(), user=None, **GDPR)
        contact_import_preview(contact_import=contact_import)
        with django_capture_on_commit_callbacks() as callbacks:
            imports.contact_import_start(contact_import=contact_import, user=None)
            imports.contact_import_start(contact_import=contact_import, user=None)
        assert len(callbacks) == 1
        assert ContactImport.objects.get(pk=contact_import.pk).status == ContactImport.Status.QUEUED
