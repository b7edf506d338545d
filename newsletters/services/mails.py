"""The few mails the sign-up sends itself: the confirmation request, the notice to an existing
subscriber, the welcome, the data export. Each goes out through outreach.mailable.transactional_mail_send.

The confirmation request carries only the request (German courts have found
advertising in it unlawful): the newsletter's name, its confirmation text,
the link and how long it works, and what happens if nothing is done.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from newsletters.models import Newsletter
from newsletters.services.tokens import confirmation_max_age


@dataclass(frozen=True)
class MailText:
    subject: str
    text: str


def _hours() -> int:
    return max(1, confirmation_max_age() // 3600)


def confirmation_mail(*, newsletter: Newsletter, language: str, url: str) -> MailText:
    with translation.override(language):
        name = newsletter.name(language)
        intro = newsletter.localised("confirmation_text", language).strip() or _(
            "Please confirm that you want to receive the newsletter “%(name)s” at this address.") % {"name": name}
        return MailText(
            subject=_("Please confirm: %(name)s") % {"name": name},
            text="\n\n".join([
                intro,
                _("Confirm here:") + f"\n{url}",
                _("The link works once and for %(hours)s hours.") % {"hours": _hours()},
                _("If you did not ask for this, ignore this mail: without your confirmation you will get "
                  "nothing from us, and the request is deleted."),
            ]),
        )


def address_change_mail(*, newsletter: Newsletter, language: str, url: str) -> MailText:
    with translation.override(language):
        name = newsletter.name(language)
        return MailText(
            subject=_("Please confirm your new address: %(name)s") % {"name": name},
            text="\n\n".join([
                _("Please confirm that the newsletter “%(name)s” should from now on go to this address.")
                % {"name": name},
                _("Confirm here:") + f"\n{url}",
                _("The link works once and for %(hours)s hours.") % {"hours": _hours()},
                _("If you did not ask for this, ignore this mail: nothing changes without your confirmation."),
            ]),
        )


def already_subscribed_mail(*, newsletter: Newsletter, language: str, preferences_url: str) -> MailText:
    """For a sign-up of an address that is subscribed already: harmless, and the same answer on the site."""
    with translation.override(language):
        name = newsletter.name(language)
        return MailText(
            subject=_("Your subscription: %(name)s") % {"name": name},
            text="\n\n".join([
                _("Someone - probably you - asked to subscribe this address to “%(name)s”. It is subscribed "
                  "already, so nothing has changed.") % {"name": name},
                _("Change your topics or language, pause or unsubscribe here:") + f"\n{preferences_url}",
            ]),
        )


def welcome_mail(*, newsletter: Newsletter, language: str, preferences_url: str) -> MailText | None:
    text = newsletter.localised("welcome_text", language).strip()
    if not text:
        return None
    with translation.override(language):
        subject = newsletter.localised("welcome_subject", language).strip() or _("Welcome to %(name)s") % {
            "name": newsletter.name(language)}
        return MailText(subject=subject, text="\n\n".join([
            text, _("Change your topics or language, pause or unsubscribe here:") + f"\n{preferences_url}",
        ]))


def export_mail(*, newsletter: Newsletter, language: str) -> MailText:
    with translation.override(language):
        return MailText(
            subject=_("Your data: %(name)s") % {"name": newsletter.name(language)},
            text=_("As requested, the attached file holds everything we store about this address: your "
                   "subscriptions with their proof of consent, and your contact record."),
        )
