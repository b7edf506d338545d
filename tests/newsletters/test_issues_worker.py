"""An issue with topic sections, sent by a real Celery worker to the real SMTP sink: each subscriber gets
exactly one mail, in their language, with their topic sections, and a one-click unsubscribe of this newsletter.

Transactional (the worker sees only committed rows); serialized_rollback restores the demo content.
"""

import pytest

from newsletters.models import Subscription
from newsletters.services.issues import issue_mailing_create
from outreach.models import Mailing
from outreach.services.mailings import mailing_send
from tests.newsletters.issues import full_body, make_issue, translate
from tests.newsletters.test_signup_worker import mails_to, plain, wait_until
from tests.outreach.sending_fixtures import mail_settings, smtp_settings, smtp_sink  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.usefixtures("smtp_settings")]


def test_the_worker_sends_each_subscriber_their_variant_once(celery_worker_thread, smtp_sink, newsletter):
    a, b = list(newsletter.topics.order_by("pk")[:2])
    Subscription.objects.get(newsletter=newsletter, email="lena.hoffmann@example.org").topics.set([b])
    Subscription.objects.get(newsletter=newsletter, email="jonas.weber@example.org").topics.set([a, b])
    Subscription.objects.get(newsletter=newsletter, email="emma.clarke@example.org").topics.set([])
    issue = make_issue(newsletter, body=full_body(topic_a=a, topic_b=b))
    translate(issue)
    mailing = Mailing.objects.get(pk=issue_mailing_create(issue=issue)[0])
    mailing_send(mailing=mailing)
    wait_until(lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT, what="mailing sent")

    received = {address: mails_to(smtp_sink, address) for address in
                ("lena.hoffmann@example.org", "jonas.weber@example.org", "emma.clarke@example.org")}
    assert all(len(mails) == 1 for mails in received.values()), received
    lena, jonas, emma = (plain(mails[0]) for mails in received.values())
    assert "Abschnitt B" in lena and "Abschnitt A" not in lena
    assert "Abschnitt A" in jonas and "Abschnitt B" in jonas
    assert "Abschnitt" not in emma and received["emma.clarke@example.org"][0]["Subject"] == "Newsletter July 2026"
    unsubscribe = received["lena.hoffmann@example.org"][0]["List-Unsubscribe-Post"]
    assert unsubscribe == "List-Unsubscribe=One-Click"
