"""Assembling one recipient's MIME message from parts prepared once per locale.

The bytes are written by outreach.delivery.mime (see there why not the stdlib's
EmailMessage); an address that needs SMTPUTF8 takes the stdlib's path instead.
"""

from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.policy import SMTP
from email.utils import format_datetime

from django.utils import timezone

from outreach.delivery import headers, mime
from outreach.delivery.eightbit import EightBitTemplate
from outreach.rendering import CompiledTemplate, compile_template
from outreach.tracking.links import Tracking, compile_tracked


@dataclass(frozen=True)
class LocaleParts:
    """Everything about one locale of a mailing that is the same for every recipient."""

    subject: CompiledTemplate
    html: CompiledTemplate
    text: CompiledTemplate
    # MIME parts built (and base64-encoded) once, then attached to every message.
    attachments: tuple[MIMEPart, ...] = ()
    # Set when the HTML has tracked links or the open pixel: their per-recipient URLs.
    tracking: Tracking | None = None
    # The same attachments as bytes, and the MIME boundaries, for outreach.delivery.mime.
    attachment_bytes: tuple[bytes, ...] = ()
    boundaries: tuple[str, str] = field(default_factory=lambda: (mime.new_boundary("alt"), mime.new_boundary("mix")))
    # The relay takes 8bit bodies: the HTML is wrapped for it (mime.wrap_html), bodies go unencoded,
    # their literals encoded once here (outreach.delivery.eightbit).
    eight_bit: bool = False
    html_8bit: EightBitTemplate | None = None
    text_8bit: EightBitTemplate | None = None


def attachment_part(*, filename: str, content: bytes, mimetype: str) -> MIMEPart:
    maintype, _slash, subtype = (mimetype or "application/octet-stream").partition("/")
    part = MIMEPart(policy=SMTP)
    part.set_content(bytes(content), maintype=maintype, subtype=subtype or "octet-stream",
                     disposition="attachment", filename=filename)
    return part


def locale_parts(*, subject: str, html: str, text: str, attachments=(), track_opens: bool = False,
                 track_clicks: bool = False, eight_bit: bool = False) -> LocaleParts:
    """Compile once per locale. With tracking, links are rewritten here too, so per recipient it is a join.
    eight_bit: for a relay with 8BITMIME; the HTML's long lines are wrapped here, once."""
    if eight_bit:
        html = mime.wrap_html(html)
    tracking = None
    if track_opens or track_clicks:
        compiled_html, tracking = compile_tracked(html, track_opens=track_opens, track_clicks=track_clicks)
    else:
        compiled_html = compile_template(html)
    parts = tuple(attachment_part(filename=f, content=c, mimetype=m) for f, c, m in attachments)
    compiled_text = compile_template(text)
    return LocaleParts(
        subject=compile_template(subject),
        html=compiled_html,
        text=compiled_text,
        attachments=parts,
        tracking=tracking,
        attachment_bytes=tuple(mime.encode_attachment(part) for part in parts),
        eight_bit=eight_bit,
        html_8bit=EightBitTemplate(compiled_html) if eight_bit else None,
        text_8bit=EightBitTemplate(compiled_text) if eight_bit else None,
    )


@dataclass(frozen=True)
class Envelope:
    """One message ready for a backend."""

    envelope_from: str
    recipient: str
    message_id: str
    message_bytes: bytes


def _address(name: str, email: str) -> Address:
    local, _at, domain = email.rpartition("@")
    return Address(display_name=name or "", username=local, domain=domain)


def _one_line(value: str) -> str:
    # A merge value (a name typed into an import) must not start a header of its own.
    return " ".join(value.splitlines())


def compose(
    *, parts: LocaleParts, token: str, values: dict[str, str], html_values: dict[str, str], to_name: str,
    to_email: str, from_name: str, from_email: str, reply_to: str = "", subject_prefix: str = "",
    message_pk: int | None = None,
) -> Envelope:
    """Personalise and assemble. values fill the text and subject, html_values (escaped) the HTML part.
    message_pk: the Message row this is (None for a test send), for the unsubscribe mail address."""
    subject = _one_line(subject_prefix + parts.subject.render(values))
    to_name, from_name = _one_line(to_name), _one_line(from_name)
    if parts.tracking is not None:
        html_values = {**html_values, **parts.tracking.values(token)}
    message_id = headers.message_id(token)
    envelope = {"envelope_from": headers.bounce_address(token), "recipient": to_email, "message_id": message_id}
    if not (to_email.isascii() and from_email.isascii() and reply_to.isascii()):
        return Envelope(**envelope, message_bytes=_compose_with_stdlib(
            parts=parts, subject=subject, text=parts.text.render(values), html=parts.html.render(html_values),
            to_name=to_name, to_email=to_email, from_name=from_name, from_email=from_email, reply_to=reply_to,
            token=token, message_pk=message_pk))
    head = [
        mime.header_line("Subject", subject),
        mime.address_header("From", from_name, from_email),
        mime.address_header("To", to_name, to_email),
    ]
    if reply_to:
        head.append(mime.address_header("Reply-To", "", reply_to))
    head += [mime.header_line("Date", format_datetime(timezone.now())), mime.header_line("Message-ID", message_id)]
    head += [mime.header_line(name, value)
             for name, value in headers.list_unsubscribe_headers(token, message_pk=message_pk).items()]
    text = html = None
    if parts.eight_bit:
        # The 8bit bodies from the literals encoded once per locale; None where that shortcut does not
        # apply, and then the text as rendered takes mime's general path.
        text, html = parts.text_8bit.render(values), parts.html_8bit.render(html_values)
    if text is None:
        text = parts.text.render(values)
    if html is None:
        html = parts.html.render(html_values)
    return Envelope(**envelope, message_bytes=mime.build_message(
        head=head, text=text, html=html, attachments=parts.attachment_bytes, boundaries=parts.boundaries,
        eight_bit=parts.eight_bit))


def _compose_with_stdlib(*, parts: LocaleParts, subject: str, text: str, html: str, to_name: str, to_email: str,
                         from_name: str, from_email: str, reply_to: str, token: str,
                         message_pk: int | None = None) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = _address(from_name, from_email)
    message["To"] = _address(to_name, to_email)
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = headers.message_id(token)
    for name, value in headers.list_unsubscribe_headers(token, message_pk=message_pk).items():
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if parts.attachments:
        message.make_mixed()
        for attachment in parts.attachments:
            message.attach(attachment)
    return message.as_bytes()
