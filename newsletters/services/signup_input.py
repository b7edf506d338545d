"""Turning what a sign-up form sent into a SignupRequest, the same for the JSON API and the fallback form."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from newsletters.models import ConsentText, Newsletter
from newsletters.services.signup import SignupRequest


def signup_request_build(*, newsletter_slug: str, email: str, language: str, consent_text_id: int | None,
                         privacy_notice_id: int | None, name: str = "", topic_ids=(), region_ids=()) -> SignupRequest:
    """Raises ValidationError with a message per field. A newsletter that is not public is answered
    exactly as one that does not exist."""
    errors = {}
    newsletter = Newsletter.objects.filter(slug=newsletter_slug, is_public=True).first()
    if newsletter is None:
        raise ValidationError({"newsletter": _("There is no such newsletter to subscribe to.")})
    topic_ids, region_ids = set(topic_ids or ()), set(region_ids or ())
    if not topic_ids <= set(newsletter.topics.values_list("pk", flat=True)):
        errors["topics"] = _("Choose only topics this newsletter offers.")
    if not region_ids <= set(newsletter.regions.values_list("pk", flat=True)):
        errors["regions"] = _("Choose only regions this newsletter offers.")
    texts = {text.pk: text for text in ConsentText.objects.filter(pk__in=[consent_text_id, privacy_notice_id])}
    consent, privacy = texts.get(consent_text_id), texts.get(privacy_notice_id)
    if consent is None or consent.kind != ConsentText.Kind.CONSENT:
        errors["consent_text"] = _("Name the consent text that was shown (its id).")
    if privacy is None or privacy.kind != ConsentText.Kind.PRIVACY:
        errors["privacy_notice"] = _("Name the privacy notice that was shown (its id).")
    if errors:
        raise ValidationError(errors)
    return SignupRequest(newsletter=newsletter, email=email, language=language, consent_text=consent,
                         privacy_notice=privacy, name=name, topic_ids=tuple(sorted(topic_ids)),
                         region_ids=tuple(sorted(region_ids)))
