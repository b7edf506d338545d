"""Bad input (issue #10): a release's document that could not go out as an attachment is refused in the admin,
with a German message, and nothing is saved: a program or script, or files over the mail's size limit."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, Revision
from wagtail.test.utils.form_data import inline_formset

from tests.press.conftest import add_url, edit_url, latest, release_form

pytestmark = pytest.mark.django_db


def document(name: str, size: int = 100):
    return get_document_model().objects.create(title=name, file=ContentFile(b"x" * size, name=name),
                                               collection=Collection.get_first_root_node())


def with_documents(*documents, **fields) -> dict:
    return release_form(documents=inline_formset([{"document": d.pk} for d in documents]), **fields)


@pytest.mark.parametrize("action", ["action-publish", None])
def test_a_program_as_document_is_refused_and_nothing_is_saved(press_client, newsroom, press_contact, action):
    program = document("werkzeug.exe")
    response = press_client.post(add_url(newsroom), with_documents(program, contacts=[press_contact], action=action))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Dokumente: {program.filename}: Programme und Skripte (.exe) können nicht angehängt werden" in page
    assert "Entfernen Sie das Dokument oder wählen Sie ein anderes." in page
    assert latest(newsroom) is None


def test_documents_over_the_size_limit_are_refused_on_edit_without_a_new_revision(press_client, newsroom,
                                                                                   press_contact, settings):
    settings.MAIL_ATTACHMENT_MAX_BYTES = 1000
    press_client.post(add_url(newsroom), release_form(action=None))
    release = latest(newsroom)
    revisions = Revision.page_revisions.filter(object_id=str(release.pk)).count()

    response = press_client.post(edit_url(release), with_documents(document("studie.pdf", 700),
                                                                   document("anhang.pdf", 700),
                                                                   contacts=[press_contact]))

    assert response.status_code == 200
    assert "Zusammen wären die Anhänge einer Sprache 1,4" in response.content.decode()
    assert "möglich sind höchstens 1000" in response.content.decode()
    release.refresh_from_db()
    assert not release.live and not release.documents.exists()
    assert Revision.page_revisions.filter(object_id=str(release.pk)).count() == revisions


def test_a_document_within_the_rules_is_published(press_client, newsroom, press_contact):
    pdf = document("hintergrund.pdf", 500)
    response = press_client.post(add_url(newsroom), with_documents(pdf, contacts=[press_contact]))

    assert response.status_code == 302
    assert [item.document for item in latest(newsroom).documents.all()] == [pdf]
