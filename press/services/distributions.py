"""Distributions: a press release as a personal pitch, through outreach's engine.

The press officer creates a distribution from a release: a draft Mailing
whose source is the release and whose audience is the distribution itself
(an audience provider registered in press.apps): the chosen lists and
segments, minus whoever the officer left out. From is the officer's own
name and address (one SenderIdentity per officer, whose reply-to is the
officer too); the mailing tracks replies, so each recipient answers to their
own reply address, the answer is recorded (timeline, response view, closed
follow-ups) and forwarded to the officer (outreach.services.reply_forwarding). Before
sending, the officer may write a personal note per recipient (sanitised
here, once) and is warned about journalists pitched another release lately.
"""

from dataclasses import dataclass
from datetime import timedelta

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.mailable import RecipientField, reference_for, reference_parse
from outreach.models import Contact, JournalistProfile, ListMembership, Mailing, Message, Segment, SenderIdentity
from outreach.rendering_text import html_to_text
from outreach.segments import rules_to_q
from outreach.services.mailings import mailing_save, mailing_send
from press.models import Distribution, PitchNote
from press.services.unsubscribes import press_unsubscribed_contact_ids

RELEASE_LABEL = "press.pressreleasepage"
DISTRIBUTION_LABEL = "press.distribution"
NOTE_TAGS = {"p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li"}
NOTE_MAX_LENGTH = 5000


# --- sender ---------------------------------------------------------------------------------------------

def officer_sender_ensure(*, officer) -> SenderIdentity:
    """The officer's own SenderIdentity (From and Reply-To = the officer), with the house imprint. Safe to call twice."""
    if not officer.email:
        raise ValidationError(_("Your user account has no e-mail address; journalists could not answer you. "
                                "Add one under Account settings first."))
    name = officer.get_full_name().strip() or officer.get_username()
    house = SenderIdentity.objects.filter(is_default=True).first() or SenderIdentity.objects.order_by("pk").first()
    sender, _created = SenderIdentity.objects.update_or_create(
        label=f"{_('Press officer')}: {officer.email}"[:120],
        defaults={"from_name": name[:120], "from_email": officer.email, "reply_to_email": officer.email,
                  "imprint": house.imprint if house else name},
    )
    return sender


# --- audience -------------------------------------------------------------------------------------------

def release_segment_rules(*, release) -> dict | None:
    """Journalists whose beats are the release's topics, and journalists and protagonists of its regions."""
    conditions = []
    topics = list(release.topics.values_list("slug", flat=True))
    regions = [str(pk) for pk in release.regions.values_list("pk", flat=True)]
    if topics:
        conditions.append({"field": "beat", "op": "in", "value": topics})
    if regions:
        conditions.append({"field": "region", "op": "in", "value": regions})
    return {"match": "any", "conditions": conditions} if conditions else None


@transaction.atomic
def release_segment_ensure(*, release) -> Segment | None:
    """The ready segment of a release (its beats and regions), kept up to date; None without topics and regions."""
    rules = release_segment_rules(release=release)
    if rules is None:
        return None
    name = f"{_('Topics and regions')}: {release.title}"[:180] + f" (#{release.pk})"
    segment, _created = Segment.objects.update_or_create(
        name=name, defaults={"rules": rules,
                             "description": _("Beats and regions of the press release, made for its distribution.")},
    )
    return segment


def distribution_audience(*, distribution: Distribution) -> QuerySet:
    """Contacts of the chosen lists and segments, without those left out or unsubscribed from press mail
    (suppression, objections included, is the engine's)."""
    condition = Q(pk__in=ListMembership.objects.filter(
        contact_list__in=distribution.lists.all()).values("contact_id"))
    for segment in distribution.segments.all():
        condition |= rules_to_q(segment.rules)
    return (Contact.objects.filter(condition).exclude(pk__in=distribution.left_out.values("pk"))
            .exclude(pk__in=press_unsubscribed_contact_ids()))


def distribution_audience_ids(pk: int) -> QuerySet:
    """Audience provider for outreach (outreach.mailable): the mailing's audience is the distribution."""
    return distribution_audience(distribution=Distribution.objects.get(pk=pk)).values("id")


# --- create ---------------------------------------------------------------------------------------------

@transaction.atomic
def distribution_create(*, release, officer, lists=(), segments=(), title: str = "", track_opens: bool = False,
                        track_clicks: bool = False) -> Distribution:
    """A draft distribution of the release, mailed as the officer; replies are always tracked (and forwarded
    to the officer), opens and clicks only when asked for. Raises ValidationError with the reason."""
    if not (list(lists) or list(segments)):
        raise ValidationError(_("Choose at least one list or segment."))
    sender = officer_sender_ensure(officer=officer)
    mailing = mailing_save(
        mailing=None, user=officer, contents={},
        values={"title": (title or release.title)[:255], "source": reference_for(RELEASE_LABEL, release.pk),
                "sender": sender, "track_replies": True, "track_opens": track_opens, "track_clicks": track_clicks},
    )
    distribution = Distribution.objects.create(release=release, mailing=mailing, officer=officer)
    distribution.lists.set(lists)
    distribution.segments.set(segments)
    reference = reference_for(DISTRIBUTION_LABEL, distribution.pk)
    mailing_save(mailing=mailing, contents={}, values={"audience_providers": [reference]})
    # The press scope (press.services.unsubscribes): its unsubscribe ends press mail, not the newsletters.
    Mailing.objects.filter(pk=mailing.pk).update(unsubscribe_scope=reference)
    distribution.mailing.unsubscribe_scope = reference
    return distribution


def _editable(distribution: Distribution) -> None:
    if distribution.mailing.status not in (Mailing.Status.DRAFT, Mailing.Status.SCHEDULED):
        raise ValidationError(_("This distribution has been sent and can no longer be changed."))


# --- personal notes -------------------------------------------------------------------------------------

def note_clean(raw: str) -> tuple[str, str]:
    """(html, text) of a personal note. HTML is reduced to a few inline tags (nh3: script, styles and event
    handlers go); plain text keeps its line breaks."""
    raw = (raw or "").strip()[:NOTE_MAX_LENGTH]
    if not raw:
        return "", ""
    cleaned = nh3.clean(raw, tags=NOTE_TAGS, attributes={"a": {"href"}},
                        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer").strip()
    if not any(f"<{tag}" in cleaned for tag in ("p", "br", "ul", "ol")):
        # Typed as text: its blank lines are paragraphs and its line breaks stay (nh3 escaped the text already).
        cleaned = "".join(f"<p>{part.strip().replace(chr(10), '<br>')}</p>"
                          for part in cleaned.replace("\r\n", "\n").split("\n\n") if part.strip())
    text = html_to_text(cleaned).strip()
    if not text:
        return "", ""
    return cleaned, text


@transaction.atomic
def distribution_notes_save(*, distribution: Distribution, notes: dict[int, str]) -> int:
    """Set the personal notes {contact_id: note}; an empty note removes it. Returns how many notes there are now."""
    _editable(distribution)
    audience = set(distribution_audience(distribution=distribution).filter(pk__in=list(notes))
                   .values_list("pk", flat=True))
    for contact_id, raw in notes.items():
        markup, text = note_clean(raw)
        if not markup or contact_id not in audience:
            PitchNote.objects.filter(distribution=distribution, contact_id=contact_id).delete()
            continue
        PitchNote.objects.update_or_create(distribution=distribution, contact_id=contact_id,
                                           defaults={"html": markup, "text": text})
    return distribution.notes.count()


def pitch_notes_for_mailing(mailing_id: int, contact_ids: list[int]) -> dict[int, dict[str, RecipientField]]:
    """Recipient fields for outreach (outreach.mailable): one query per batch."""
    rows = PitchNote.objects.filter(distribution__mailing_id=mailing_id, contact_id__in=contact_ids)
    return {contact_id: {"personal_note": RecipientField(html=markup, text=text)}
            for contact_id, markup, text in rows.values_list("contact_id", "html", "text")}


# --- re-pitch guard -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Repitch:
    contact: Contact
    last_sent_at: object
    mailing_title: str


def distribution_repitch_conflicts(*, distribution: Distribution, days: int | None = None) -> list[Repitch]:
    """Journalists in the audience who were sent another release within `days` (PRESS_REPITCH_DAYS)."""
    days = settings.PRESS_REPITCH_DAYS if days is None else days
    since = timezone.now() - timedelta(days=days)
    own = reference_for(RELEASE_LABEL, distribution.release_id)
    recent = (
        Message.objects.filter(status=Message.Status.ACCEPTED, sent_at__gte=since,
                               mailing__source__startswith=f"{RELEASE_LABEL}:")
        .exclude(mailing__source=own)
        .filter(contact__in=distribution_audience(distribution=distribution)
                .filter(pk__in=JournalistProfile.objects.values("contact_id")))
        .select_related("contact", "mailing").order_by("contact_id", "-sent_at")
    )
    latest = {}
    for message in recent:
        latest.setdefault(message.contact_id, Repitch(contact=message.contact, last_sent_at=message.sent_at,
                                                      mailing_title=message.mailing.title))
    return sorted(latest.values(), key=lambda r: (r.contact.last_name, r.contact.first_name, r.contact.email))


@transaction.atomic
def distribution_leave_out(*, distribution: Distribution, contact_ids) -> int:
    """Leave these contacts out of the distribution (and drop their notes). Returns how many are left out now."""
    _editable(distribution)
    distribution.left_out.add(*Contact.objects.filter(pk__in=list(contact_ids)))
    PitchNote.objects.filter(distribution=distribution, contact_id__in=list(contact_ids)).delete()
    return distribution.left_out.count()


@transaction.atomic
def distribution_send(*, distribution: Distribution, actor, repitch_confirmed: bool = False) -> Mailing:
    """Send through the engine. Refused (ValidationError) while re-pitch conflicts stand unconfirmed."""
    _editable(distribution)
    conflicts = distribution_repitch_conflicts(distribution=distribution)
    if conflicts and not repitch_confirmed:
        raise ValidationError(
            _("%(count)s journalists received another press release within the last %(days)s days. "
              "Leave them out or confirm that they should get this one too.")
            % {"count": len(conflicts), "days": settings.PRESS_REPITCH_DAYS}
        )
    return mailing_send(mailing=distribution.mailing, actor=actor)


def distribution_for_reference(reference: str) -> Distribution:
    _label, pk = reference_parse(reference)
    return Distribution.objects.select_related("release", "mailing").get(pk=pk)
