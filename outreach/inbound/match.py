"""Which Message a mail is about: by the token in the address it came to, by the Message-IDs it
refers to, or by the copy of the original inside a bounce or complaint.

Tokens are looked up by their unique index; a Message-ID is only trusted when it has our format
"<token@MAIL_DOMAIN>", so the lookup never scans the message table.

The unsubscribe address is the exception: it acts on its own, so it carries no token (the token
is in every forwarded mail's headers) but the message's number and a signature
(outreach.delivery.headers.unsubscribe_mailto). Any other unsubscribe+ address matches no message.
"""

import re
from dataclasses import dataclass

from outreach.delivery.headers import mail_domain
from outreach.inbound.mail import InboundMail
from outreach.inbound.parse import addresses, header, message_ids
from outreach.models import Message
from outreach.tracking.tokens import mailto_signature_valid

ROLES = ("bounces", "reply", "unsubscribe")
# message_token(): base32 of 15 random bytes, lower-cased (24 characters of a-z and 2-7).
_TOKEN_ADDRESS = re.compile(r"^(bounces|reply)\+([a-z2-7]{16,32})@", re.IGNORECASE)
_UNSUBSCRIBE_ADDRESS = re.compile(r"^unsubscribe\+([^@]*)@", re.IGNORECASE)
_MAILTO_VALUE = re.compile(r"^([1-9][0-9]{0,17})-([0-9a-f]{16,64})$")
_TOKEN = re.compile(r"^[a-z2-7]{16,32}$")
# Where the address a mail was delivered to shows up: the MTA's own headers first (they carry the
# envelope recipient; To may name someone else on a Bcc), then the visible ones.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Cc")


@dataclass
class Match:
    message: Message | None = None
    token: str | None = None
    role: str | None = None  # bounces | reply | unsubscribe, when the mail came to a token address
    matched_by: str = ""

    @property
    def refers_to_us(self) -> bool:
        return self.message is not None and self.role is None


def token_address(address: str) -> tuple[str, str] | None:
    """("bounces", token) for bounces+TOKEN@..., None for any other address."""
    found = _TOKEN_ADDRESS.match(address or "")
    return (found.group(1).lower(), found.group(2).lower()) if found else None


def unsubscribe_address_message(address: str) -> tuple[bool, Message | None]:
    """(is it an unsubscribe+ address?, the message its signature proves, or None)."""
    found = _UNSUBSCRIBE_ADDRESS.match(address or "")
    if not found:
        return False, None
    value = _MAILTO_VALUE.match(found.group(1).lower())
    if not value:
        return True, None
    message = Message.objects.select_related("mailing", "contact").filter(pk=int(value.group(1))).first()
    if message is None or not mailto_signature_valid(message.pk, message.token, value.group(2)):
        return True, None
    return True, message


def token_from_message_id(message_id: str) -> str | None:
    local, _at, domain = message_id.strip("<>").rpartition("@")
    if domain.lower() == mail_domain().lower() and _TOKEN.match(local.lower()):
        return local.lower()
    return None


def _message(token: str) -> Message | None:
    return Message.objects.select_related("mailing", "contact").filter(token=token).first()


def _by_address(message, envelope_recipient: str | None) -> Match | None:
    candidates = [("envelope recipient", envelope_recipient.lower())] if envelope_recipient else []
    candidates += [(name, address) for name in RECIPIENT_HEADERS for address in addresses(message, name)]
    for source, address in candidates:
        found = token_address(address)
        if found:
            role, token = found
            return Match(message=_message(token), token=token, role=role, matched_by=source)
        is_unsubscribe, message = unsubscribe_address_message(address)
        if is_unsubscribe:
            # A forged or outdated address is still an unsubscribe mail, recorded, but about no message:
            # nothing else in the mail (In-Reply-To, a second address) may stand in for the signature.
            return Match(message=message, token=message.token if message else None, role="unsubscribe",
                         matched_by=source)
    return None


def _by_message_ids(ids: list[str], matched_by: str) -> Match | None:
    for message_id in ids:
        token = token_from_message_id(message_id)
        if token and (message := _message(token)) is not None:
            return Match(message=message, token=token, matched_by=matched_by)
    return None


def match_by_headers(mail: InboundMail, *, envelope_recipient: str | None = None) -> Match:
    """Token address first, then In-Reply-To, then References (newest first)."""
    message = mail.message
    by_address = _by_address(message, envelope_recipient)
    if by_address is not None:
        return by_address
    references = list(reversed(message_ids(header(message, "References"))))
    return (_by_message_ids(message_ids(header(message, "In-Reply-To")), "In-Reply-To")
            or _by_message_ids(references, "References")
            or Match())


def match_by_original(mail: InboundMail) -> Match:
    """For bounces and complaints that did not come to a VERP address: the original's Message-ID,
    attached (message/rfc822, text/rfc822-headers) or pasted into the text (Exim, qmail, Yahoo)."""
    attached = message_ids(header(mail.attached_original, "Message-ID")) if mail.attached_original is not None else []
    found = (_by_message_ids(attached, "Message-ID of the attached original")
             or _by_message_ids([i for i in mail.original_message_ids if i not in attached], "Message-ID in the bounce text"))
    if found:
        return found
    if mail.original is not None:
        # Return-Path (our VERP sender) survives in the copy even where a relay rewrote the Message-ID.
        for address in addresses(mail.original, "Return-Path"):
            if (token := token_address(address)) and (msg := _message(token[1])) is not None:
                return Match(message=msg, token=token[1], matched_by="Return-Path of the attached original")
    return Match()


def match_by_provider_id(provider_message_id: str) -> Match | None:
    """An SES notification that came by mail names the message by the id SES gave it."""
    if not provider_message_id:
        return None
    message = Message.objects.select_related("mailing", "contact").filter(
        provider_message_id=provider_message_id[:255]).first()
    return Match(message=message, token=message.token, matched_by="SES messageId") if message is not None else None


def latest_message_to(address: str) -> Message | None:
    """The most recent message we sent to address (by the indexed address column), or None."""
    if not address or "@" not in address:
        return None
    return (Message.objects.select_related("mailing", "contact").filter(email=address.strip().lower())
            .exclude(sent_at__isnull=True).order_by("-sent_at", "-pk").first())


def match_by_recipient(recipients: list[str]) -> Match:
    """Last rule, for a bounce without token or original: its one failed address and the most recent message
    sent to it. Not for a report naming several addresses: which message each is about is then a guess."""
    distinct = sorted({address.lower() for address in recipients if address})
    if len(distinct) != 1:
        return Match()
    message = latest_message_to(distinct[0])
    if message is None:
        return Match()
    return Match(message=message, token=message.token, matched_by="failed recipient and the latest message to it")
