"""The issue in the admin: send as mailing with the recipients per language, previews side by side, and a
block that does not render named in a message, never a 500."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from newsletters.models import NewsletterIssuePage
from newsletters.rendering import issue_check
from outreach.models import Mailing
from tests.newsletters.issues import block, full_body, make_issue, translate

pytestmark = pytest.mark.django_db

BROKEN = "<mj-section><mj-column><mj-text>offen</mj-column></mj-section>"


@pytest.fixture
def issue(newsletter):
    a, b = list(newsletter.topics.order_by("pk")[:2])
    issue = make_issue(newsletter, body=full_body(topic_a=a, topic_b=b))
    translate(issue)
    return issue


@pytest.fixture
def broken_issue(newsletter):
    return make_issue(newsletter, title="Kaputt", body=[
        block("rich_text", "<p>Gut</p>"), block("custom_mjml", BROKEN)])


def test_the_edit_page_offers_send_as_mailing(admin_client, issue):
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[issue.pk])).content.decode()
    assert reverse("newsletters_issue_send", args=[issue.pk]) in html


def test_the_send_page_counts_recipients_per_language_in_german(admin_client, issue):
    response = admin_client.get(reverse("newsletters_issue_send", args=[issue.pk]), HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["counts"] == {"de": 2, "en": 1}  # lena and jonas in German, emma in English
    assert 'data-locale="de"><td>de</td><td>2</td>' in html
    assert "Empfänger je Sprache" in html


def test_sending_creates_the_engines_mailing_and_leads_to_it(admin_client, issue, newsletter):
    response = admin_client.post(reverse("newsletters_issue_send", args=[issue.pk]))
    mailing = Mailing.objects.get()
    assert response.status_code == 302 and f"/mailings/{mailing.pk}/overview/" in response.url
    assert mailing.source == f"newsletters.newsletterissuepage:{issue.pk}"
    assert mailing.audience_providers == [mailing.source]
    assert mailing.unsubscribe_scope == newsletter.reference and mailing.status == Mailing.Status.DRAFT
    overview = admin_client.get(response.url)
    assert overview.status_code == 200
    # The engine previews and test-sends each language at once (the content as a reader without topics gets it).
    assert sorted(mailing.contents.values_list("locale", flat=True)) == ["de", "en"]
    preview = admin_client.get(reverse("outreach_mailings:preview", args=[mailing.pk, "en"]))
    assert preview.status_code == 200 and "July 2026" in preview.content.decode()


def test_a_block_that_does_not_render_is_named_and_nothing_is_created(admin_client, broken_issue):
    errors = issue_check(page=broken_issue)
    assert [error.position for error in errors] == [2] and errors[0].label == "Custom MJML"
    url = reverse("newsletters_issue_send", args=[broken_issue.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Block 2 („Eigenes MJML“) lässt sich nicht darstellen" in response.content.decode()  # German admin
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200 and not Mailing.objects.exists()
    assert "Block 2" in response.content.decode()


def test_the_preview_shows_desktop_and_mobile_side_by_side(issue, superuser):
    assert [mode for mode, _label in NewsletterIssuePage.preview_modes] == ["", "desktop", "mobile"]
    request = RequestFactory().get("/")
    request.user = superuser
    html = issue.serve_preview(request, "").content.decode()
    assert 'width="600"' in html and 'width="375"' in html and html.count("<iframe") == 2
    assert "Abschnitt A" in html and "Abschnitt B" in html  # every topic section, for the editor
    assert "<script" not in html.split("srcdoc")[0] and "onclick" not in html
    mobile = issue.serve_preview(request, "mobile").content.decode()
    assert mobile.count("<iframe") == 1 and 'width="375"' in mobile


def test_the_preview_of_a_broken_issue_names_the_block(broken_issue, superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    response = broken_issue.serve_preview(request, "")
    assert response.status_code == 200 and "Block 2" in response.content.decode()


def test_without_mailing_rights_the_send_page_is_refused(client, django_user_model, issue):
    from cms.services.roles import editors_group_ensure

    editor = django_user_model.objects.create_user("red-issue", "r@example.org", "pw-for-tests-only")
    editor.groups.add(editors_group_ensure())
    client.force_login(editor)
    url = reverse("newsletters_issue_send", args=[issue.pk])
    assert client.get(url).status_code in (302, 403)
    assert client.post(url).status_code in (302, 403) and not Mailing.objects.exists()


def test_the_press_office_writes_and_sends_issues(client, django_user_model, newsletter, issue):
    from newsletters.services.issues import newsletter_issue_index_ensure
    from outreach.services.roles import press_office_group_ensure

    index = newsletter_issue_index_ensure(newsletter=newsletter)
    assert issue.get_parent().pk == index.pk
    officer = django_user_model.objects.create_user("presse-issue", "p@example.org", "pw-for-tests-only")
    officer.groups.add(press_office_group_ensure())
    client.force_login(officer)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[issue.pk])).status_code == 200
    response = client.post(reverse("newsletters_issue_send", args=[issue.pk]))
    assert response.status_code == 302 and Mailing.objects.get().created_by == officer
