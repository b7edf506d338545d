"""What goes into each message: a mailing's compiled parts per locale (and variant), and one recipient's values.

The preview, the test send and the real send all build a message through personalise().
"""

import html

from outreach.delivery import headers
from outreach.delivery.compose import LocaleParts, compose, locale_parts
from outreach.models import Contact, Mailing, MailingAttachment
from outreach.notices import art14_notice_text
from outreach.rendering import salutation


def _compiled(*, mailing: Mailing, rendered, eight_bit: bool = False) -> LocaleParts:
    """One rendered content (a locale's, or a variant's) with its locale's attachments, compiled for joining."""
    attachments = MailingAttachment.objects.filter(mailing=mailing, locale=rendered.locale).values_list(
        "filename", "content", "mimetype"
    )
    # Tracked links are numbered in this stored rendered_html; the click redirect reads them from it again.
    return locale_parts(
        subject=rendered.subject, html=rendered.rendered_html, text=rendered.rendered_text,
        attachments=list(attachments), track_opens=mailing.track_opens, track_clicks=mailing.track_clicks,
        eight_bit=eight_bit,
    )


def locale_parts_for(*, mailing: Mailing, locales, eight_bit: bool = False) -> dict[str, LocaleParts]:
    """Compile each locale's rendered content once per batch; personalising is then a join per part.
    eight_bit: the carrier takes 8bit bodies (8BITMIME), so the bodies are prepared for that."""
    return {content.locale: _compiled(mailing=mailing, rendered=content, eight_bit=eight_bit)
            for content in mailing.contents.filter(locale__in=set(locales))}


def variant_parts_for(*, mailing: Mailing, keys, eight_bit: bool = False) -> dict[tuple[str, str], LocaleParts]:
    """As locale_parts_for, for the (locale, variant) pairs of a batch that are not variant ""."""
    keys = {key for key in keys if key[1]}
    if not keys:
        return {}
    variants = mailing.variants.filter(locale__in={k[0] for k in keys}, key__in={k[1] for k in keys})
    return {(variant.locale, variant.key): _compiled(mailing=mailing, rendered=variant, eight_bit=eight_bit)
            for variant in variants}


def recipient_values(*, contact: Contact | None, email: str, locale: str, token: str) -> dict[str, str]:
    """The merge fields for one recipient (not escaped)."""
    first = contact.first_name if contact else ""
    last = contact.last_name if contact else ""
    return {
        "salutation": salutation(
            locale=locale, kind=contact.salutation if contact else "", academic_title=contact.academic_title if contact else "",
            first_name=first, last_name=last,
        ),
        "first_name": first,
        "last_name": last,
        "full_name": contact.full_name if contact else "",
        "email": email,
        "unsubscribe_url": headers.unsubscribe_url(token),
        "personal_note": "",
        # The footer's paragraph break comes with the notice, so an empty value leaves no gap.
        "art14_notice": f"{notice}\n\n" if (notice := art14_notice_text(contact=contact, locale=locale)) else "",
    }


def personalise(*, parts: LocaleParts, mailing: Mailing, contact: Contact | None, email: str, locale: str, token: str,
                subject_prefix: str = "", message_pk: int | None = None, extra: dict | None = None):
    """extra: the recipient's fields from the source (outreach.mailable.RecipientField), HTML already sanitised."""
    values = recipient_values(contact=contact, email=email, locale=locale, token=token)
    html_values = {name: html.escape(value) for name, value in values.items()}
    for name, field in (extra or {}).items():
        values[name], html_values[name] = field.text, field.html
    sender = mailing.sender
    return compose(
        parts=parts, token=token, values=values,
        html_values=html_values,
        to_name=" ".join(p for p in (values["first_name"], values["last_name"]) if p), to_email=email,
        from_name=sender.from_name, from_email=sender.from_email,
        reply_to=headers.reply_address(token) if mailing.track_replies else sender.reply_to_email,
        subject_prefix=subject_prefix, message_pk=message_pk,
    )
