"""The press office's admin speaks German unless a user chose English."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.outreach.sending_fixtures import mail_settings, sender  # noqa: F401

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
    from tests.outreach.importfiles import GDPR

    data = "E-Mail;Vorname\nneu@example.org;Neu\nkaputt;Kaputt\nneu@example.org;Doppelt\n".encode("cp1252")
    contact_import = contact_import_create(file=SimpleUploadedFile("liste.csv", data), user=None, **GDPR)
    contact_import_preview(contact_import=contact_import)
    html = german_press_officer.get(reverse("contact_imports:preview", args=[contact_import.pk])).content.decode()
    assert "ungültige E-Mail-Adresse: 1" in html and "doppelt in der Datei: 1" in html
    assert "invalid_email" not in html
    assert "<td>neu</td>" in html


@pytest.mark.usefixtures("mail_settings")
def test_the_report_chart_keeps_svg_numbers_in_german(german_press_officer, sender,  # noqa: F811
                                                      django_capture_on_commit_callbacks):
    """German formats 212.0 as "212,0", which no SVG attribute accepts: the chart would draw nothing."""
    import re

    from outreach.services.mailings import mailing_send
    from outreach.services.sending import message_batch_send
    from tests.outreach.sending_fixtures import make_contacts, make_mailing

    mailing = make_mailing(sender=sender, contacts=make_contacts(3))
    with django_capture_on_commit_callbacks():
        mailing_send(mailing=mailing)
    message_batch_send(mailing_id=mailing.pk, worker_task_id="report-de")

    html = german_press_officer.get(reverse("outreach_mailings:report", args=[mailing.pk])).content.decode()
    chart = html.split("data-report-chart", 1)[1].split("</svg>", 1)[0]
    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', chart)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in coordinates), coordinates
    assert "Zugestellt" in html
