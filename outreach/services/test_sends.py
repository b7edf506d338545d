"""Test sends: the current content to named addresses, before the real thing."""

from dataclasses import dataclass

from outreach.delivery import PermanentDeliveryError, TransientDeliveryError, delivery_backend
from outreach.delivery.compose import locale_parts
from outreach.models import Contact, Mailing, MailingAttachment
from outreach.services.personalising import personalise


@dataclass(frozen=True)
class TestSendResult:
    address: str
    locale: str
    error: str = ""
    # Where the test went: the delivery backend's id for it (the .eml file's name in the local outbox).
    folder: str = ""
    delivery_id: str = ""


def mailing_test_send(*, mailing: Mailing, addresses: list[str], locales: list[str] | None = None,
                      actor=None) -> list[TestSendResult]:
    """Send the current content to named addresses, once per locale, subject prefixed "[TEST] ".

    Creates no Message rows and touches no contact's timeline; the content is
    rendered afresh (not stored), so a draft can be tried as often as needed.
    An address that belongs to a contact is personalised with that contact's
    data. Raises ValidationError for an invalid address or missing content/sender.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from outreach.models.mailings import message_token
    from outreach.rendering import render_content
    from outreach.services.contacts import normalise_email
    from outreach.services.mailings import mailing_content_copy_from_source

    normalised = [normalise_email(address) for address in addresses]
    if mailing.sender_id is None:
        raise ValidationError(_("Choose a sender before sending a test."))
    if mailing.source and mailing.status == Mailing.Status.DRAFT:
        mailing_content_copy_from_source(mailing=mailing)
    contents = [c for c in mailing.contents.order_by("id") if not locales or c.locale in locales]
    if not contents:
        raise ValidationError(_("There is no content to test yet."))
    contacts = {c.email: c for c in Contact.objects.filter(email__in=normalised)}
    results = []
    folder = f"{mailing.pk}-test"
    backend = delivery_backend(folder=folder)
    backend.open()
    try:
        for content in contents:
            rendered = render_content(
                locale=content.locale, body_mjml=content.body_mjml, body_html=content.body_html,
                body_text=content.body_text, preheader=content.preheader, imprint=mailing.sender.imprint,
            )
            attachments = MailingAttachment.objects.filter(mailing=mailing, locale=content.locale).values_list(
                "filename", "content", "mimetype"
            )
            # Untracked: the test token matches no message, so a tracked link would lead the tester to a 404.
            parts = locale_parts(subject=content.subject, html=rendered.html, text=rendered.text,
                                 attachments=list(attachments))
            for address in normalised:
                # A token that matches no Message: the unsubscribe link in a test mail unsubscribes nobody.
                envelope = personalise(parts=parts, mailing=mailing, contact=contacts.get(address), email=address,
                                       locale=content.locale, token=message_token(), subject_prefix="[TEST] ")
                try:
                    delivery_id = backend.send(envelope.envelope_from, envelope.recipient, envelope.message_bytes)
                    results.append(TestSendResult(address=address, locale=content.locale, folder=folder,
                                                  delivery_id=str(delivery_id or "")))
                except (TransientDeliveryError, PermanentDeliveryError) as exc:
                    results.append(TestSendResult(address=address, locale=content.locale, error=str(exc)))
    finally:
        backend.close()
    return results
