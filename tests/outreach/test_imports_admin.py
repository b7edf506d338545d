"""The import screens through the real admin: upload, preview with mapping, start, progress."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.admin.viewsets import viewsets as registered_viewsets

from outreach.models import Contact, ContactImport
from outreach.services.imports import contact_import_run
from outreach.viewsets.imports import ContactImportViewSet
from tests.outreach.importfiles import PNG_HEADER, excel_german_cp1252, excel_utf8_bom, upload

pytestmark = pytest.mark.django_db


def find_viewset(viewset_list):
    for viewset in viewset_list:
        if isinstance(viewset, ContactImportViewSet):
            return viewset
        found = find_viewset(getattr(viewset, "viewsets", []))
        if found:
            return found
    return None


@pytest.fixture
def viewset(client):
    client.get("/admin/login/")  # loads the admin URLconf, which registers the viewsets
    found = find_viewset(registered_viewsets.viewsets)
    assert found, "ContactImportViewSet is not registered in the admin"
    return found


def url(viewset, name, *args):
    return reverse(viewset.get_url_name(name), args=args)


def mapping_form_data(contact_import) -> dict:
    return {f"column_{i}": contact_import.column_mapping[header] for i, header in enumerate(contact_import.headers)}


def upload_data(file, **extra):
    return {"file": file, "legal_basis": "legitimate-interest", "legal_basis_note": "Fachpresse", "data_origin": "public",
            "source": "Messe", "tags": "", "create_organisations": "on", **extra}


class ContactImportAdminTests:
    def test_upload_preview_start_and_progress(self, admin_client, viewset, django_capture_on_commit_callbacks):
        response = admin_client.get(url(viewset, "add"))
        assert response.status_code == 200 and b"CSV or Excel file" in response.content

        response = admin_client.post(url(viewset, "add"), upload_data(excel_german_cp1252()))
        contact_import = ContactImport.objects.get()
        assert response.status_code == 302 and response["Location"] == url(viewset, "preview", contact_import.pk)

        response = admin_client.get(response["Location"])
        content = response.content.decode()
        assert response.status_code == 200
        assert 'data-count="new">2<' in content and 'data-count="rejected">1<' in content
        assert "kein-at-zeichen.example.org" in content  # the rejected row and its reason
        assert "Südwest Presse" in content  # unknown organisation, to be created
        assert not Contact.objects.filter(email="bjoern.weiss@example.org").exists()

        mapping = mapping_form_data(contact_import)
        with django_capture_on_commit_callbacks() as callbacks:
            response = admin_client.post(url(viewset, "preview", contact_import.pk), {**mapping, "action": "start"})
        assert response.status_code == 302 and response["Location"] == url(viewset, "progress", contact_import.pk)
        assert len(callbacks) == 1
        assert ContactImport.objects.get().status == ContactImport.Status.QUEUED

        response = admin_client.get(url(viewset, "progress", contact_import.pk))
        assert response.status_code == 200 and b"<progress" in response.content
        progress = admin_client.get(url(viewset, "progress_json", contact_import.pk)).json()
        assert (progress["status"], progress["finished"]) == ("queued", False)

        contact_import_run(import_id=contact_import.pk)  # what the worker does with the queued task
        progress = admin_client.get(url(viewset, "progress_json", contact_import.pk)).json()
        assert (progress["status"], progress["percent"], progress["created"], progress["rejected"]) == ("done", 100, 2, 1)
        assert Contact.objects.get(email="bjoern.weiss@example.org").source == "Messe"

    def test_remapping_a_column_changes_the_preview(self, admin_client, viewset):
        admin_client.post(url(viewset, "add"), upload_data(excel_utf8_bom()))
        contact_import = ContactImport.objects.get()
        mapping = mapping_form_data(contact_import)
        mapping["column_3"] = ""  # do not import the organisation
        response = admin_client.post(url(viewset, "preview", contact_import.pk), {**mapping, "action": "preview"})
        assert response.status_code == 302
        contact_import.refresh_from_db()
        assert contact_import.column_mapping["Organisation"] == ""
        assert not [w for w in contact_import.preview["warnings"] if w["code"] == "unknown_organisation"]

    def test_starting_with_a_changed_but_unchecked_mapping_is_refused(self, admin_client, viewset):
        admin_client.post(url(viewset, "add"), upload_data(excel_utf8_bom()))
        contact_import = ContactImport.objects.get()
        mapping = mapping_form_data(contact_import)
        mapping["column_1"] = ""
        response = admin_client.post(url(viewset, "preview", contact_import.pk), {**mapping, "action": "start"})
        assert response.status_code == 400 and b"check the new preview" in response.content
        assert ContactImport.objects.get().status == ContactImport.Status.PREVIEWED

    def test_a_png_is_refused_with_a_message(self, admin_client, viewset):
        response = admin_client.post(url(viewset, "add"), upload_data(upload("bild.csv", PNG_HEADER)))
        assert response.status_code == 400 and b"PNG image" in response.content
        assert not ContactImport.objects.exists()

    def test_the_listing_and_the_edit_link_lead_to_the_current_step(self, admin_client, viewset):
        admin_client.post(url(viewset, "add"), upload_data(excel_utf8_bom()))
        contact_import = ContactImport.objects.get()
        assert admin_client.get(url(viewset, "index")).status_code == 200
        response = admin_client.get(url(viewset, "edit", contact_import.pk))
        assert response["Location"] == url(viewset, "preview", contact_import.pk)

    def test_only_users_who_may_add_imports_get_in(self, client, viewset, django_user_model):
        editor = django_user_model.objects.create_user("editor-no-imports", "e@example.org", "pw")
        group = Group.objects.create(name="Admin access only")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        editor.groups.add(group)
        client.force_login(editor)
        assert client.get(url(viewset, "add")).status_code in (302, 403)
        response = client.post(url(viewset, "add"), upload_data(excel_utf8_bom()))
        assert response.status_code in (302, 403) and not ContactImport.objects.exists()

        group.permissions.add(Permission.objects.get(codename="add_contactimport"))
        assert client.get(url(viewset, "add")).status_code == 200
