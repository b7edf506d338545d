"""Mail that came back: one row per inbound mail, whatever it turned out to be.

The row is also the idempotency key: dedupe_key (the mail's Message-ID, or a
hash of the bytes when it has none) is unique, so a mail piped twice, fetched
twice by IMAP or redelivered by SNS has its effects once.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.models.imports import private_storage


class InboundMessage(models.Model):
    class Kind(models.TextChoices):
        BOUNCE = "bounce", _("Bounce")
        COMPLAINT = "complaint", _("Complaint")
        AUTO_REPLY = "auto_reply", _("Auto-reply")
        REPLY = "reply", _("Reply")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe")
        UNKNOWN = "unknown", _("Unknown")

    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("received through"), max_length=20, help_text=_("pipe, imap, ses ..."))
    dedupe_key = models.CharField(max_length=255, unique=True, editable=False)
    message = models.ForeignKey(
        "outreach.Message", verbose_name=_("message"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="inbound",
    )
    contact = models.ForeignKey(
        "outreach.Contact", verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="inbound",
    )
    mailing = models.ForeignKey(
        "outreach.Mailing", verbose_name=_("mailing"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="inbound",
    )
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True, help_text=_("The reply without the quoted history."))
    is_auto_reply = models.BooleanField(_("auto-reply"), default=False)
    # [{"address", "status", "hard", "action", "diagnostic", "reason"}] for bounces and complaints.
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    reasons = models.JSONField(_("why classified so"), default=list, blank=True)
    # Kept for replies, auto-replies, unsubscribes and unknown mail: a person may need the attachments or
    # the original layout, or to see what an unknown mail was. Not for bounces and complaints: they are
    # mostly a copy of our own mail, everything useful is in recipients, and the copy is personal data
    # we have no reason to keep.
    raw = models.FileField(_("original mail"), upload_to="inbound/%Y/%m/", storage=private_storage, blank=True)
    # A reply to a mailing that tracks replies is forwarded to the mailing's sender once
    # (outreach.services.reply_forwarding); set when the carrier took the forward.
    forwarded_at = models.DateTimeField(_("forwarded to the sender"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("inbound mail")
        verbose_name_plural = _("inbound mail")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["kind", "-received_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject or self.from_address}"
