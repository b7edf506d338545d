"""What the public views take from a request: the proof facts (with the client's address as cms.client_address
knows it behind TRUSTED_PROXY), a clean address and name."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email

from cms.client_address import client_address
from newsletters.services.proof import RequestFacts

EMAIL_MAX_LENGTH = 254


def request_facts(request, *, form_url: str = "") -> RequestFacts:
    return RequestFacts(ip_address=client_address(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
                        form_url=form_url or request.META.get("HTTP_REFERER", ""))


def email_clean(raw: str) -> str:
    """The address as stored (lower case), or a ValidationError that does not repeat the input."""
    text = (raw or "").strip()
    if not text or len(text) > EMAIL_MAX_LENGTH:
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid")
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid") from exc


def name_clean(raw: str) -> str:
    """A name is plain text: markup characters and control characters are refused, not silently dropped."""
    text = " ".join((raw or "").split())
    if any(character in "<>{}" for character in text) or any(ord(c) < 32 for c in text):
        raise ValidationError(_("A name cannot contain <, >, { or }."), code="invalid")
    return text[:120]
