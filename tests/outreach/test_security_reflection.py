"""Finding 1 of issue #9 for outreach's views: SNS, tracking, unsubscribe and the contact import.

An HTML response never holds the raw payload; an error response is never HTML.
"""

import json

import pytest
from django.urls import reverse

from outreach.delivery.headers import unsubscribe_url
from outreach.models import ContactImport, Message
from outreach.services.mailings import mailing_send
from tests.outreach.importfiles import csv_bytes, upload
from tests.outreach.sending_fixtures import mail_settings, make_contacts, make_mailing, sender  # noqa: F401
from tests.outreach.sns_fixtures import TOPIC, post
from tests.outreach.sns_fixtures import sns_host as sns_host  # noqa: F401
from tests.reflection import PAYLOADS, assert_not_reflected, assert_safe_error, is_html

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", PAYLOADS)
class SNSTests:
    def test_not_an_sns_message(self, client, settings, payload):
        settings.MAIL_SNS_TOPIC_ARNS = [TOPIC]
        assert_safe_error(client.post("/o/sns/", data=payload, content_type="text/plain"), payload)
        assert_safe_error(post(client, {"Type": payload, "TopicArn": payload}), payload)

    def test_unknown_topic_and_bad_signature(self, client, settings, sns_host, payload):  # noqa: F811
        settings.MAIL_SNS_TOPIC_ARNS = [TOPIC]
        response = post(client, {"Type": "Notification", "TopicArn": payload, "Message": payload})
        assert response.status_code == 403
        assert_safe_error(response, payload)
        response = post(client, {"Type": "Notification", "TopicArn": TOPIC, "Message": payload,
                                 "MessageId": payload, "SigningCertURL": f"{sns_host}/{payload}.pem",
                                 "Signature": payload, "SignatureVersion": "1", "Timestamp": payload})
        assert response.status_code == 403
        assert_safe_error(response, payload)


@pytest.fixture
def message(mail_settings, sender):  # noqa: F811
    contact = make_contacts(1, prefix="reflektiert", language="de")[0]
    mailing = mailing_send(mailing=make_mailing(sender=sender, contacts=[contact]))
    return Message.objects.get(mailing=mailing)


@pytest.mark.parametrize("payload", PAYLOADS)
class TrackingTests:
    @pytest.mark.parametrize("url", ["/o/u/{}/00/", "/o/o/{}/00.gif", "/o/c/{}/0/00/", "/o/u/abc/00/?next={}"])
    def test_forged_urls_are_plain_404s(self, client, payload, url):
        response = client.get(url.format(payload))
        assert response.status_code == 404
        assert_safe_error(response, payload)

    def test_unsubscribe_page_does_not_echo_its_query(self, client, message, payload):
        path = "/o/" + unsubscribe_url(message.token).split("/o/", 1)[1]
        response = client.get(f"{path}?lang={payload}&{payload}=1")
        assert response.status_code == 200 and is_html(response)
        assert_not_reflected(response, payload)
        response = client.post(f"{path}?lang={payload}", {"List-Unsubscribe": payload})
        assert response.status_code == 200
        assert_not_reflected(response, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
class ContactImportTests:
    def test_headers_cells_and_names_are_escaped_on_every_step(self, admin_client, payload):
        admin_client.get("/admin/login/")  # loads the admin URLconf, which registers the viewsets
        rows = [["E-Mail", payload, "Organisation"], ["reflex@example.org", payload, payload], [payload, "x", "y"]]
        data = {"file": upload(f"{payload}.csv", csv_bytes(rows)), "legal_basis": "legitimate-interest", "data_origin": "public",
                "legal_basis_note": payload, "source": payload, "tags": payload, "create_organisations": "on"}
        response = admin_client.post(reverse("contact_imports:add"), data)
        assert_not_reflected(response, payload)
        contact_import = ContactImport.objects.get()
        for name, args in (("preview", [contact_import.pk]), ("progress", [contact_import.pk]), ("index", []),
                           ("inspect", [contact_import.pk])):
            response = admin_client.get(reverse(f"contact_imports:{name}", args=args))
            assert response.status_code == 200, name
            assert_not_reflected(response, payload)
        mapping = {f"column_{i}": payload for i in range(3)}
        response = admin_client.post(reverse("contact_imports:preview", args=[contact_import.pk]),
                                     {**mapping, "action": payload})
        assert_not_reflected(response, payload)
        response = admin_client.get(reverse("contact_imports:progress_json", args=[contact_import.pk]))
        assert response["Content-Type"] == "application/json"
        json.loads(response.content)
