"""The press unsubscribe scope (outreach.mailable.register_unsubscribe_scope, registered in press.apps).

Every distribution's mailing names its distribution as unsubscribe scope, so
the one-click POST (RFC 8058), the footer link and the List-Unsubscribe mailto
of a press mail end press mail to that contact, and only that: newsletter
subscriptions stay, and the address does not go on the suppression list.
"Unsubscribe from everything" on the same page and an objection stay global
(outreach skips the scope for them). outreach records the unsubscribe on the
message and the timeline, under the scope's title "Presse-Abmeldung".
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.models import Contact
from press.models import PressUnsubscribe

PRESS_UNSUBSCRIBE_TITLE = gettext_lazy("Press unsubscribe")


def press_unsubscribed_contact_ids() -> QuerySet:
    """Ids of contacts who want no more press mail, for an audience to leave out."""
    return PressUnsubscribe.objects.values("contact_id")


@transaction.atomic
def press_unsubscribe(*, contact_id: int, source: str = "", about: str = "") -> bool:
    """No more press mail to this contact. Safe to call twice (the first record stays). False when the contact
    is gone, so that outreach falls back to its global unsubscribe."""
    if not Contact.objects.filter(pk=contact_id).exists():
        return False
    PressUnsubscribe.objects.get_or_create(contact_id=contact_id,
                                           defaults={"source": source[:40], "about": about[:120]})
    return True


def press_scope_unsubscribe(distribution_id: int, *, contact_id: int, source: str, about: str) -> bool:
    """The scope's handler: whichever distribution the mail came from, all press mail ends."""
    return press_unsubscribe(contact_id=contact_id, source=source, about=about)


def press_scope_members(distribution_id: int, contact_ids: list[int]) -> set[int]:
    """Who may still get this distribution: a press unsubscribe after the freeze stops the rest."""
    gone = set(PressUnsubscribe.objects.filter(contact_id__in=contact_ids).values_list("contact_id", flat=True))
    return set(contact_ids) - gone


def press_scope_describe(distribution_id: int, language: str) -> str:
    """For the unsubscribe page: "Do you no longer want to receive <this>?"."""
    with translation.override(language):
        return _("press releases from us by e-mail")
