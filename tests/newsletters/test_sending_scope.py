"""A newsletter mailing goes only to the newsletter's current subscribers, also after the freeze."""

import pytest

from newsletters.models import Subscription
from newsletters.services.preferences import subscription_unsubscribe
from outreach.mailable import reference_for
from outreach.models import Mailing, MailingContent, Message
from outreach.services.mailings import mailing_send
from outreach.services.sending import message_batch_send

pytestmark = pytest.mark.django_db


def test_who_left_the_newsletter_after_the_freeze_is_not_sent_the_rest(newsletter, outbox):
    mailing = Mailing.objects.create(title="Ausgabe Juli", sender=newsletter.sender,
                                     audience_providers=[reference_for("newsletters.newsletter", newsletter.pk)],
                                     unsubscribe_scope=newsletter.reference)
    for locale in ("de", "en"):
        MailingContent.objects.create(mailing=mailing, locale=locale, subject="Juli", body_html="<p>Neues</p>")
    mailing_send(mailing=mailing)
    frozen = set(Message.objects.filter(mailing=mailing).values_list("email", flat=True))
    assert frozen == {"lena.hoffmann@example.org", "jonas.weber@example.org", "emma.clarke@example.org"}

    subscription_unsubscribe(subscription=Subscription.objects.get(newsletter=newsletter,
                                                                   email="jonas.weber@example.org"))
    result = message_batch_send(mailing_id=mailing.pk, worker_task_id="batch-1")

    assert (result.accepted, result.cancelled) == (2, 1)
    assert Message.objects.get(mailing=mailing, email="jonas.weber@example.org").status == Message.Status.CANCELLED
    assert outbox.to("jonas.weber@example.org") == []
    assert len(outbox.to("lena.hoffmann@example.org")) == 1
