"""The delivery side of outreach: who sends, what is sent, to whom, and what came back.

A Mailing is frozen into one Message row per recipient before anything is
sent; the rows carry the state (QUEUED -> SENDING -> ACCEPTED ...), so that
any worker can pick up where another one died.
"""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField

from outreach.blocks import MailingBodyBlock


def message_token() -> str:
    # Lower-case base32: the token travels in the local part of VERP, reply and
    # unsubscribe addresses, and some mail systems fold the case of local parts.
    return base64.b32encode(secrets.token_bytes(15)).decode().lower()


class SenderIdentity(models.Model):
    label = models.CharField(_("label"), max_length=120, unique=True)
    from_name = models.CharField(_("from name"), max_length=120)
    from_email = models.EmailField(_("from address"))
    reply_to_email = models.EmailField(_("reply-to address"), blank=True)
    imprint = models.TextField(_("imprint"), help_text=_("Shown in the footer of every mail sent as this sender."))
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("sender identity")
        verbose_name_plural = _("sender identities")
        ordering = ["label"]

    def __str__(self):
        return f"{self.from_name} <{self.from_email}>"


class Mailing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=255)
    # "app_label.model:pk" of a registered mailable (outreach.mailable); blank for
    # a one-off mailing whose MailingContent rows are written by hand.
    source = models.CharField(_("source"), max_length=120, blank=True, db_index=True)
    sender = models.ForeignKey(
        SenderIdentity, verbose_name=_("sender"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="mailings",
    )
    lists = models.ManyToManyField("outreach.ContactList", verbose_name=_("lists"), blank=True, related_name="mailings")
    segments = models.ManyToManyField("outreach.Segment", verbose_name=_("segments"), blank=True, related_name="mailings")
    # ["app_label.model:pk", ...] of registered audience providers (a newsletter's confirmed subscribers).
    audience_providers = models.JSONField(_("other audiences"), default=list, blank=True)
    # "app_label.model:pk" of a registered unsubscribe scope (outreach.mailable): the one-click and footer
    # unsubscribe of this mailing then end only that (one newsletter); blank: they unsubscribe from everything.
    unsubscribe_scope = models.CharField(_("unsubscribe scope"), max_length=120, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    track_opens = models.BooleanField(_("track opens"), default=False)
    track_clicks = models.BooleanField(_("track clicks"), default=False)
    track_replies = models.BooleanField(
        _("track replies"), default=False,
        help_text=_("Replies go to a per-recipient address and land on the contact's timeline."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)
    suppressed_count = models.PositiveIntegerField(_("left out: suppressed"), default=0)
    skipped_count = models.PositiveIntegerField(_("left out: bounced or stale"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    frozen_at = models.DateTimeField(_("audience frozen"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def activity_subject(self) -> str:
        """How the contact timeline (ActivityEvent.subject) refers to this mailing."""
        return f"outreach.mailing:{self.pk}"


class MailBody(models.Model):
    """Subject and body of one version of a mailing, as given and as rendered once for everyone who gets it."""

    subject = models.CharField(_("subject"), max_length=255)
    preheader = models.CharField(_("preheader"), max_length=255, blank=True)
    body_mjml = models.TextField(_("body (MJML)"), blank=True)
    body_html = models.TextField(_("body (HTML)"), blank=True)
    body_text = models.TextField(_("body (plain text)"), blank=True)
    # With merge-field placeholders still in: personalisation happens per recipient at send time.
    rendered_html = models.TextField(blank=True, editable=False)
    rendered_text = models.TextField(blank=True, editable=False)
    rendered_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class MailingContent(MailBody):
    """One locale of a mailing, as written (or copied from its source) and as rendered once for everyone."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="contents")
    locale = models.CharField(_("language"), max_length=5)
    # Written with blocks (the default for one-off mailings): body_mjml is then made from them on save.
    body_blocks = StreamField(MailingBodyBlock(), verbose_name=_("body (blocks)"), blank=True)

    class Meta:
        verbose_name = _("mailing content")
        verbose_name_plural = _("mailing contents")
        ordering = ["mailing", "id"]
        constraints = [models.UniqueConstraint(fields=["mailing", "locale"], name="outreach_mailingcontent_unique")]

    def __str__(self):
        return f"{self.mailing} [{self.locale}]"


class MailingVariant(MailBody):
    """One more version of a locale, for the recipients a source sorts into it (outreach.mailable.VariantMailable).

    A newsletter issue with topic sections is one variant per combination of topics present in its audience.
    Kept apart from MailingContent, which the editor writes and the admin lists per locale: variants are
    derived at the start, rendered once each like a locale, and only sending and tracking read them.
    """

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="variants")
    locale = models.CharField(_("language"), max_length=5)
    key = models.CharField(_("variant"), max_length=200)

    class Meta:
        verbose_name = _("mailing variant")
        verbose_name_plural = _("mailing variants")
        ordering = ["mailing", "locale", "key"]
        constraints = [models.UniqueConstraint(fields=["mailing", "locale", "key"],
                                               name="outreach_mailingvariant_unique")]

    def __str__(self):
        return f"{self.mailing} [{self.locale}/{self.key}]"


class MailingAttachment(models.Model):
    """A file sent with every message of one locale, copied at send time so a later edit of the source
    cannot change what the remaining batches send."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="attachments")
    locale = models.CharField(_("language"), max_length=5)
    filename = models.CharField(_("file name"), max_length=255)
    mimetype = models.CharField(_("type"), max_length=120, default="application/octet-stream")
    content = models.BinaryField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["mailing", "locale", "id"]

    def __str__(self):
        return self.filename


class BounceReason(models.TextChoices):
    """Why a recipient's mail failed (outreach.inbound.reasons derives it): the vocabulary of the mailing
    report and of bounce events."""

    USER_UNKNOWN = "user_unknown", _("user unknown")
    HOST_UNKNOWN = "host_unknown", _("host unknown")
    HAS_MOVED = "has_moved", _("has moved")
    NOT_ACCEPT = "not_accept", _("does not accept mail")
    MAILBOX_FULL = "mailbox_full", _("mailbox full")
    MESSAGE_TOO_BIG = "message_too_big", _("message too big")
    FILTERED = "filtered", _("filtered")
    BLOCKED = "blocked", _("blocked")
    POLICY = "policy", _("rejected by policy")
    SPAM_DETECTED = "spam_detected", _("spam detected")
    SUSPENDED = "suspended", _("suspended")
    EXPIRED = "expired", _("expired")
    TOO_MANY_CONNECTIONS = "too_many_connections", _("too many connections")
    AUTHENTICATION_FAILURE = "authentication_failure", _("authentication failure")
    NETWORK_ERROR = "network_error", _("network error")
    SECURITY_ERROR = "security_error", _("security error")
    SYSTEM_ERROR = "system_error", _("system error")
    RELAYING_DENIED = "relaying_denied", _("relaying denied")
    RATE_LIMITED = "rate_limited", _("rate limited")
    UNDEFINED = "undefined", _("undefined")


class Message(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        ACCEPTED = "accepted", _("Accepted")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        CANCELLED = "cancelled", _("Cancelled")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="messages")
    # SET_NULL: an erased contact's message stays for the mailing's counts, without the person.
    contact = models.ForeignKey(
        "outreach.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    email = models.EmailField(_("address"), max_length=254)
    locale = models.CharField(_("language"), max_length=5)
    # A MailingVariant key of this locale, or "" for the locale's MailingContent.
    variant = models.CharField(_("variant"), max_length=200, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    token = models.CharField(max_length=32, unique=True, default=message_token, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    provider_message_id = models.CharField(_("provider id"), max_length=255, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=24, choices=BounceReason.choices, blank=True)
    # Indexed: a batch finds its own rows (and, after a redelivery, those it already sent) among all of a
    # mailing's without reading them.
    claimed_by = models.CharField(_("claimed by task"), max_length=255, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [models.UniqueConstraint(fields=["mailing", "contact"], name="outreach_message_unique")]
        # The first index: a batch claims a mailing's QUEUED rows in id order without passing every row
        # already sent (or every older mailing's) on the way (outreach.services.sending._claim).
        # The second: a bounce without token or original is matched by its address (inbound.match).
        indexes = [models.Index(fields=["mailing", "status", "id"]), models.Index(fields=["email", "-sent_at"])]

    def __str__(self):
        return f"{self.email} ({self.get_status_display()})"


class MessageEvent(models.Model):
    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("Delivered")
        OPEN = "open", _("Opened")
        CLICK = "click", _("Clicked")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")
        BOUNCE = "bounce", _("Bounced")
        COMPLAINT = "complaint", _("Complaint")
        REPLY = "reply", _("Replied")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("message event")
        verbose_name_plural = _("message events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["message", "kind"]), models.Index(fields=["kind", "occurred_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"
