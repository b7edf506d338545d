"""A person's subscription to one newsletter, and the proof of how it came about.

A sign-up is PENDING until the owner of the address confirms it. Until then
the subscription names only the address, not a Contact: a pending address
must not turn up in any list, segment or export of the contact database, and
nothing may be sent to it but the confirmation request. Confirming attaches
(or creates) the one Contact of that address.

A contact imported without proof of consent NEEDS_RECONFIRMATION: it is a
contact already, but gets nothing but a re-confirmation request (sent by staff
from the newsletter admin) until its owner confirms through the same
single-use link as a sign-up.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_key() -> str:
    return secrets.token_urlsafe(12)


class Subscription(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        PAUSED = "paused", _("Paused")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        NEEDS_RECONFIRMATION = "reconfirm", _("Needs re-confirmation")

    newsletter = models.ForeignKey("newsletters.Newsletter", verbose_name=_("newsletter"), on_delete=models.PROTECT,
                                   related_name="subscriptions")
    # Null while pending (see the module docstring). CASCADE: an erased person's subscriptions and proof go too.
    contact = models.ForeignKey("outreach.Contact", verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="newsletter_subscriptions")
    email = models.EmailField(_("address"), max_length=254)
    name = models.CharField(_("name given"), max_length=120, blank=True)
    topics = models.ManyToManyField("cms.Topic", verbose_name=_("topics"), blank=True, related_name="+")
    regions = models.ManyToManyField("cms.RegionPage", verbose_name=_("regions"), blank=True, related_name="+")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="de")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    consent_text = models.ForeignKey("newsletters.ConsentText", verbose_name=_("consent text shown"), null=True,
                                     on_delete=models.PROTECT, related_name="+")
    privacy_notice = models.ForeignKey("newsletters.ConsentText", verbose_name=_("privacy notice shown"), null=True,
                                       on_delete=models.PROTECT, related_name="+")
    # Single use: a confirmation link carries this nonce; confirming or a new sign-up replaces it.
    confirmation_nonce = models.CharField(max_length=32, blank=True, default=new_key, editable=False)
    # The preference link carries this key; a new key revokes every link sent before.
    preference_key = models.CharField(max_length=32, default=new_key, editable=False)
    # An address change waits here until the new address confirms it.
    pending_email = models.EmailField(_("new address (unconfirmed)"), max_length=254, blank=True)
    signed_up_at = models.DateTimeField(_("signed up"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-signed_up_at"]
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "email"], name="newsletters_subscription_email_unique"),
            models.UniqueConstraint(fields=["newsletter", "contact"], name="newsletters_subscription_contact_unique"),
        ]
        indexes = [models.Index(fields=["state", "signed_up_at"])]

    def __str__(self):
        return f"{self.email} → {self.newsletter}"


class SubscriptionEvent(models.Model):
    """One line of a subscription's proof log. Append-only: rows are never changed (save refuses)."""

    class Kind(models.TextChoices):
        SIGNED_UP = "signed-up", _("Signed up")
        SIGNED_UP_AGAIN = "signed-up-again", _("Signed up again")
        CONFIRMATION_SENT = "confirmation-sent", _("Confirmation mail accepted by the mail server")
        CONFIRMATION_FAILED = "confirmation-failed", _("Mail not sent or not accepted")
        NOTICE_SENT = "notice-sent", _("Notice to an existing subscriber sent")
        CONFIRMED = "confirmed", _("Confirmed")
        WELCOME_SENT = "welcome-sent", _("Welcome mail sent")
        PREFERENCES_CHANGED = "preferences-changed", _("Preferences changed")
        PAUSED = "paused", _("Paused")
        RESUMED = "resumed", _("Resumed")
        ADDRESS_CHANGE_REQUESTED = "address-change-requested", _("Address change requested")
        ADDRESS_CHANGED = "address-changed", _("Address changed")
        EXPORT_SENT = "export-sent", _("Data export sent")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        WITHDRAWN = "withdrawn", _("Withdrew all consent (no more mail at all)")
        LINKS_REVOKED = "links-revoked", _("Preference links revoked")
        IMPORTED = "imported", _("Imported with the consent proof it came with")
        IMPORTED_UNCONFIRMED = "imported-unconfirmed", _("Imported without proof of consent: needs re-confirmation")
        RECONFIRMATION_REQUESTED = "reconfirmation-requested", _("Re-confirmation requested by staff")

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    form_url = models.CharField(_("form URL"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by staff"))
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("proof log entry")
        verbose_name_plural = _("proof log")
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The proof log is append-only: an entry is never changed.")
        super().save(*args, **kwargs)


class PurgedSignupCount(models.Model):
    """How many never-confirmed sign-ups of one newsletter and ISO week the purge deleted: a number only.

    The purge deletes such a sign-up with its proof entries (nothing about the address may stay), which
    would make the report's confirmation rate of every older week look as if all sign-ups had confirmed.
    """

    newsletter = models.ForeignKey("newsletters.Newsletter", on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("week (Monday)"))
    sign_ups = models.PositiveIntegerField(_("unconfirmed sign-ups deleted"), default=0)

    class Meta:
        verbose_name = _("deleted unconfirmed sign-ups")
        verbose_name_plural = _("deleted unconfirmed sign-ups")
        constraints = [models.UniqueConstraint(fields=["newsletter", "week"],
                                               name="newsletters_purgedsignupcount_unique")]


class QueuedSignup(models.Model):
    """A sign-up as the form sent it, waiting for the worker (newsletters.services.signup_queue).

    The request writes this row instead of a broker message: one INSERT costs less than a publish, and a
    sign-up answered with 202 is kept while the broker is away. The transaction that records the sign-up
    deletes it, so it is recorded once.
    """

    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("queued sign-up")
        verbose_name_plural = _("queued sign-ups")
