"""The press office's admin speaks German unless a user chose English."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def german_press_officer(django_user_model):
    from outreach.services.roles import press_office_group_ensure

    user = django_user_model.objects.create_user("presse-de", "presse-de@example.org", "pw-for-tests-only")
    user.groups.add(press_office_group_ensure())
    client = Client()
    client.force_login(user)
    return client


def test_contacts_and_imports_are_german_by_default(german_press_officer):
    contacts = german_press_officer.get(reverse("outreach_contacts:index")).content.decode()
    assert "Kontakte" in contacts
    upload = german_press_officer.get(reverse("contact_imports:add")).content.decode()
    assert "CSV- oder Excel-Datei" in upload or "Datei" in upload
    assert "CSV or Excel file" not in upload


def test_service_messages_follow_the_active_language():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from outreach.services.audiences import segment_save

    messages = {}
    for language in ("de", "en"):
        with translation.override(language):
            with pytest.raises(ValidationError) as refused:
                segment_save(name="leer", rules={"conditions": []})
            messages[language] = [str(message) for message in refused.value.messages]
    assert messages == {
        "de": ["Ein Segment braucht mindestens eine Bedingung."],
        "en": ["A segment needs at least one condition."],
    }


def test_the_import_preview_names_problems_and_effects_in_german(german_press_officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from outreach.services.imports import contact_import_create, contact_import_preview

    data = "E-Mail;Vorname\nneu@example.org;Neu\nkaputt;Kaputt\nneu@example.org;Doppelt\n".encode("cp1252")
    contact_import = contact_import_create(file=SimpleUploadedFile("liste.csv", data), user=None)
    contact_import_preview(contact_import=contact_import)
    html = german_press_officer.get(reverse("contact_imports:preview", args=[contact_import.pk])).content.decode()
    assert "ungültige E-Mail-Adresse: 1" in html and "doppelt in der Datei: 1" in html
    assert "invalid_email" not in html
    assert "<td>neu</td>" in html
