"""Plain-data views of newsletters and subscriptions, shared by the JSON API and the server-rendered pages."""

from newsletters.models import ConsentText, Newsletter, Subscription
from newsletters.selectors import consent_text_current


def _topic_name(topic, language: str) -> str:
    # Topics are translatable snippets: the linked (German) one, or its translation when there is one.
    if language != "de":
        translated = topic.get_translations().filter(locale__language_code=language).first()
        if translated is not None:
            return translated.name
    return topic.name


def _region_name(region, language: str) -> str:
    if language != "de":
        translated = region.get_translations().filter(locale__language_code=language).live().first()
        if translated is not None:
            return translated.title
    return region.title


def newsletter_present(newsletter: Newsletter, *, language: str) -> dict:
    return {
        "slug": newsletter.slug,
        "name": newsletter.name(language),
        "description": newsletter.localised("description", language),
        "frequency": newsletter.localised("frequency", language),
        "languages": list(newsletter.languages),
        "topics": [{"id": t.pk, "name": _topic_name(t, language)} for t in newsletter.topics.all()],
        "regions": [{"id": r.pk, "name": _region_name(r, language)} for r in newsletter.regions.all()],
    }


def consent_present(text: ConsentText | None) -> dict | None:
    if text is None:
        return None
    return {"id": text.pk, "version": text.version, "language": text.language, "text": text.text, "url": text.url}


def consent_texts_present(*, language: str) -> dict:
    return {
        "consent_text": consent_present(consent_text_current(kind=ConsentText.Kind.CONSENT, language=language)),
        "privacy_notice": consent_present(consent_text_current(kind=ConsentText.Kind.PRIVACY, language=language)),
    }


def subscription_present(subscription: Subscription, *, language: str) -> dict:
    return {
        "newsletter": newsletter_present(subscription.newsletter, language=language),
        "email": subscription.email,
        "state": subscription.state,
        "paused_until": subscription.paused_until,
        "language": subscription.language,
        "topics": sorted(subscription.topics.values_list("pk", flat=True)),
        "regions": sorted(subscription.regions.values_list("pk", flat=True)),
        "pending_email": subscription.pending_email,
    }
