"""The mailing report (numbers, links, chart, export) and who may see mailings at all, through the real admin."""

import csv
import io
from datetime import timedelta

import pytest
import tablib
from django.urls import reverse
from django.utils import timezone

from outreach.models import ExportLog, Mailing, Message, MessageEvent, SenderIdentity
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send
from tests.outreach.sending_fixtures import mail_settings, make_contacts, make_mailing, sender  # noqa: F401
from tests.outreach.test_admin_mailings import english_admin  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]
Kind = MessageEvent.Kind


def url(name, *args):
    return reverse(f"outreach_mailings:{name}", args=args)


@pytest.fixture
def sent_mailing(sender, django_capture_on_commit_callbacks):
    """A mailing sent to five contacts, with opens, clicks, bounces and the rest seeded as events."""
    mailing = make_mailing(sender=sender, contacts=make_contacts(5), track_opens=True, track_clicks=True)
    with django_capture_on_commit_callbacks():
        mailing_send(mailing=mailing)
    message_batch_send(mailing_id=mailing.pk, worker_task_id="report-batch")
    m = list(Message.objects.filter(mailing=mailing).order_by("id"))
    start = timezone.now() - timedelta(hours=3)

    def event(message, kind, hours=0, **data):
        MessageEvent.objects.create(message=message, kind=kind, occurred_at=start + timedelta(hours=hours), data=data)

    event(m[0], Kind.OPEN, privacy_prefetch=True)  # Apple Mail fetched it: nobody opened anything
    event(m[0], Kind.OPEN, 1)
    event(m[0], Kind.OPEN, 2)  # the same person again: still one unique open
    event(m[1], Kind.OPEN, 1)
    event(m[2], Kind.OPEN, privacy_prefetch=True)
    event(m[0], Kind.CLICK, 1, url="https://example.org/programm", index=0)
    event(m[1], Kind.CLICK, 1, url="https://example.org/programm", index=0)
    event(m[1], Kind.CLICK, 2, url="https://example.org/programm", index=0)
    event(m[1], Kind.CLICK, 2, url="=HYPERLINK(\"http://evil.example\")", index=1)
    event(m[3], Kind.BOUNCE, 1, type="Permanent")
    event(m[4], Kind.BOUNCE, 1, code=421, reply="try later")
    event(m[2], Kind.COMPLAINT, 2)
    event(m[1], Kind.REPLY, 2)
    event(m[0], Kind.UNSUBSCRIBE, 2)
    return mailing


class MailingReportTests:
    def test_numbers_match_the_events(self, press_client, sent_mailing):
        response = press_client.get(url("report", sent_mailing.pk))
        assert response.status_code == 200
        report = response.context["report"]
        assert (report.recipients, report.delivered) == (5, 5)
        assert (report.bounced, report.bounced_hard, report.bounced_soft) == (2, 1, 1)
        assert (report.unique_opens, report.privacy_prefetches) == (2, 2)
        assert (report.clicks, report.unique_clickers) == (4, 2)
        assert (report.complaints, report.replies, report.unsubscribes) == (1, 1, 1)
        assert report.links[0] == {"url": "https://example.org/programm", "index": 0, "clicks": 3, "unique": 2}
        content = response.content.decode()
        assert "<svg" in content and "data-report-chart" in content and "<script" not in content.split("<svg")[1][:2000]
        assert "https://example.org/programm" in content and "hard: 1, soft: 1" in content

    def test_csv_export_neutralises_formulas_and_is_not_logged(self, press_client, sent_mailing):
        response = press_client.get(url("report_export", sent_mailing.pk) + "?format=csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert "no-store" in response["Cache-Control"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        links = {row[1]: row[2:] for row in rows if row[0] == "Link"}
        assert links["https://example.org/programm"] == ["3", "2"]
        assert links["'=HYPERLINK(\"http://evil.example\")"] == ["1", "1"]
        assert not any(cell.startswith("=") for row in rows for cell in row)
        assert ["Summary", "Unique opens", "2", ""] in rows
        # Aggregates and the mailing's own links: no personal data leaves, so no ExportLog row.
        assert not ExportLog.objects.exists()

    def test_xlsx_export(self, press_client, sent_mailing):
        response = press_client.get(url("report_export", sent_mailing.pk) + "?format=xlsx")
        dataset = tablib.Dataset().load(response.content, format="xlsx")
        assert any(r[1] == "Delivered (accepted by the receiving server)" and str(r[2]) == "5" for r in dataset)
        assert press_client.get(url("report_export", sent_mailing.pk) + "?format=pdf").status_code == 400

    def test_report_of_a_draft_is_empty_not_broken(self, press_client, sender):
        mailing = make_mailing(sender=sender, contacts=[])
        response = press_client.get(url("report", mailing.pk))
        assert response.status_code == 200 and response.context["chart"] is None


def mailing_urls(mailing, sender_identity):
    pk = mailing.pk
    return [
        ("get", url("index")), ("get", url("add")), ("post", url("add")), ("get", url("edit", pk)),
        ("post", url("edit", pk)), ("get", url("delete", pk)), ("post", url("delete", pk)),
        ("get", url("overview", pk)), ("get", url("preview", pk, "de")), ("get", url("test_send", pk)),
        ("post", url("test_send", pk)), ("get", url("send", pk)), ("post", url("send", pk)),
        ("post", url("control", pk)), ("get", url("progress", pk)), ("get", url("progress_json", pk)),
        ("get", url("report", pk)), ("get", url("report_export", pk) + "?format=csv"),
        ("get", reverse("outreach_senders:index")), ("get", reverse("outreach_senders:add")),
        ("get", reverse("outreach_senders:edit", args=[sender_identity.pk])),
    ]


def _refused(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and "/login/" not in response["Location"])


class MailingPermissionTests:
    def test_press_office_sees_every_screen_and_the_menu(self, press_client, sender):
        mailing = make_mailing(sender=sender, contacts=make_contacts(1))
        for method, address in mailing_urls(mailing, sender):
            if method == "get":
                assert press_client.get(address).status_code == 200, address
        home = press_client.get(reverse("wagtailadmin_home")).content.decode()
        assert url("index") in home and reverse("outreach_senders:index") in home

    @pytest.mark.parametrize("who", ["editor", "initiative_partner"])
    def test_editors_and_partners_are_refused_everywhere(self, request, client, who, sender):
        mailing = make_mailing(sender=sender, contacts=make_contacts(1))
        client.force_login(request.getfixturevalue(who))
        for method, address in mailing_urls(mailing, sender):
            assert _refused(getattr(client, method)(address, {"action": "cancel", "title": "x"})), (method, address)
        assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT
        assert Mailing.objects.count() == 1 and SenderIdentity.objects.count() == 1
        home = client.get(reverse("wagtailadmin_home")).content.decode()
        assert url("index") not in home and reverse("outreach_senders:index") not in home

    def test_anonymous_is_sent_to_login(self, client, sender):
        mailing = make_mailing(sender=sender, contacts=[])
        for method, address in mailing_urls(mailing, sender):
            response = getattr(client, method)(address)
            assert response.status_code == 302 and "/login/" in response["Location"], (method, address)
