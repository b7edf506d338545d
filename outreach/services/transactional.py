"""One mail a person asked for, sent now: a confirmation request, a notice, a data export.

It goes through the same delivery backend as mailings and test sends
(outreach.delivery: outbox, SMTP or SES), signed by the same sender identity
and carrying its imprint, but it is not a mailing: no Message row, no
List-Unsubscribe, no tracking. The stdlib builds the MIME here: one mail at a
time does not need outreach.delivery.mime's per-recipient shortcuts.
"""

import html as html_module
from email.headerregistry import Address
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default
from email.utils import format_datetime

from django.utils import timezone

from outreach.delivery import delivery_backend, headers
from outreach.models import SenderIdentity
from outreach.models.mailings import message_token

OUTBOX_FOLDER = "transactional"


def _address(name: str, email: str) -> Address:
    local, _at, domain = email.rpartition("@")
    return Address(display_name=" ".join((name or "").splitlines()), username=local, domain=domain)


def _with_imprint(*, text: str, html: str, imprint: str) -> tuple[str, str]:
    imprint = imprint.strip()
    if not imprint:
        return text, html
    text = f"{text.rstrip()}\n\n-- \n{imprint}\n"
    imprint_html = "<br>".join(html_module.escape(line) for line in imprint.splitlines())
    html = (f'{html}<div style="margin-top:32px;font-family:Arial,Helvetica,sans-serif;font-size:12px;'
            f'color:#555555;">{imprint_html}</div>')
    return text, html


def transactional_send(*, sender_id: int, to_email: str, to_name: str = "", subject: str, text: str,
                       html: str = "", locale: str = "de", attachments: list[tuple[str, bytes, str]],
                       reply_to: str = "") -> str:
    """See outreach.mailable.transactional_mail_send. Returns the carrier's id; raises DeliveryError subclasses.
    reply_to replaces the sender's reply-to address (a forwarded reply is answered to its author)."""
    sender = SenderIdentity.objects.get(pk=sender_id)
    if not html:
        paragraphs = "".join(f"<p>{html_module.escape(block).replace(chr(10), '<br>')}</p>"
                             for block in text.strip().split("\n\n"))
        html = f'<div style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;">{paragraphs}</div>'
    text, html = _with_imprint(text=text, html=html, imprint=sender.imprint)
    token = message_token()  # names no Message: a bounce or reply to it is recorded as unknown
    message = EmailMessage(policy=SMTP)
    message["Subject"] = " ".join(subject.splitlines())
    message["From"] = _address(sender.from_name, sender.from_email)
    message["To"] = _address(to_name, to_email)
    if reply_to or sender.reply_to_email:
        message["Reply-To"] = reply_to or sender.reply_to_email
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = headers.message_id(token)
    message["Content-Language"] = locale
    # Mail a person asked for: auto-responders must not answer it (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(f'<!DOCTYPE html><html lang="{html_module.escape(locale)}"><body>{html}</body></html>',
                            subtype="html")
    for filename, content, mimetype in attachments:
        if mimetype == "message/rfc822":
            # A whole mail (a forwarded reply): attached as a message, so mail programs open it as one.
            message.add_attachment(message_from_bytes(bytes(content), policy=default), filename=filename)
            continue
        maintype, _slash, subtype = mimetype.partition("/")
        message.add_attachment(bytes(content), maintype=maintype, subtype=subtype or "octet-stream",
                               filename=filename)
    backend = delivery_backend(folder=OUTBOX_FOLDER)
    backend.open()
    try:
        return backend.send(headers.bounce_address(token), to_email, message.as_bytes())
    finally:
        backend.close()
