"""Turning what a sign-up form sent into a SignupSubmission, the same for the JSON API and the fallback form.

A sign-up request reads no table: what it checks against (the public newsletters with the topics and
regions they offer, and which consent texts exist) is one cached catalogue, rebuilt after any change to
those rows (signals below) and at most CATALOGUE_SECONDS old where a change cannot be seen (a topic deleted
by cascade, a per-process cache). The worker checks again against the database before it records anything
(signup.subscription_request_from_payload), so a stale catalogue can only change the answer, never the proof.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext as _

from newsletters.models import ConsentText, Newsletter

CATALOGUE_KEY = "newsletters:signup-catalogue:v1"
CATALOGUE_SECONDS = 60


@dataclass(frozen=True)
class SignupSubmission:
    """A sign-up that passed every check not depending on the address: plain ids, ready for the queue."""

    newsletter_id: int
    email: str  # normalised by the caller (serializer or form)
    language: str
    consent_text_id: int
    privacy_notice_id: int
    name: str = ""
    topic_ids: tuple[int, ...] = ()
    region_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SignupCatalogue:
    offers: dict  # public newsletter's slug -> (id, frozenset of topic ids, frozenset of region ids)
    text_kinds: dict  # consent text id -> its kind


def signup_catalogue() -> SignupCatalogue:
    catalogue = cache.get(CATALOGUE_KEY)
    if catalogue is None:
        catalogue = signup_catalogue_build()
        cache.set(CATALOGUE_KEY, catalogue, CATALOGUE_SECONDS)
    return catalogue


def signup_catalogue_build() -> SignupCatalogue:
    newsletters = Newsletter.objects.filter(is_public=True).prefetch_related("topics", "regions")
    offers = {newsletter.slug: (newsletter.pk, frozenset(topic.pk for topic in newsletter.topics.all()),
                                frozenset(region.pk for region in newsletter.regions.all()))
              for newsletter in newsletters}
    return SignupCatalogue(offers=offers, text_kinds=dict(ConsentText.objects.values_list("pk", "kind")))


def signup_catalogue_forget(**kwargs) -> None:
    cache.delete(CATALOGUE_KEY)


def signup_request_build(*, newsletter_slug: str, email: str, language: str, consent_text_id: int | None,
                         privacy_notice_id: int | None, name: str = "", topic_ids=(),
                         region_ids=()) -> SignupSubmission:
    """Raises ValidationError with a message per field. A newsletter that is not public is answered
    exactly as one that does not exist."""
    catalogue = signup_catalogue()
    offer = catalogue.offers.get(newsletter_slug)
    if offer is None:
        raise ValidationError({"newsletter": _("There is no such newsletter to subscribe to.")})
    newsletter_id, offered_topics, offered_regions = offer
    errors = {}
    topic_ids, region_ids = set(topic_ids or ()), set(region_ids or ())
    if not topic_ids <= offered_topics:
        errors["topics"] = _("Choose only topics this newsletter offers.")
    if not region_ids <= offered_regions:
        errors["regions"] = _("Choose only regions this newsletter offers.")
    if catalogue.text_kinds.get(consent_text_id) != ConsentText.Kind.CONSENT:
        errors["consent_text"] = _("Name the consent text that was shown (its id).")
    if catalogue.text_kinds.get(privacy_notice_id) != ConsentText.Kind.PRIVACY:
        errors["privacy_notice"] = _("Name the privacy notice that was shown (its id).")
    if errors:
        raise ValidationError(errors)
    return SignupSubmission(newsletter_id=newsletter_id, email=email, language=language,
                            consent_text_id=consent_text_id, privacy_notice_id=privacy_notice_id, name=name,
                            topic_ids=tuple(sorted(topic_ids)), region_ids=tuple(sorted(region_ids)))


def signup_catalogue_signals_connect() -> None:
    """Called from the app's ready(): every process that can change these rows forgets the catalogue."""
    for model in (Newsletter, ConsentText):
        post_save.connect(signup_catalogue_forget, sender=model, dispatch_uid=f"signup_catalogue_{model.__name__}_save")
        post_delete.connect(signup_catalogue_forget, sender=model,
                            dispatch_uid=f"signup_catalogue_{model.__name__}_delete")
    for through in (Newsletter.topics.through, Newsletter.regions.through):
        m2m_changed.connect(signup_catalogue_forget, sender=through,
                            dispatch_uid=f"signup_catalogue_{through.__name__}_m2m")
