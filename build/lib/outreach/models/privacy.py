"""GDPR: the global suppression list and the log of exports."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def email_hash(email: str) -> str:
    """The key of the suppression list: survives erasure without keeping the address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class SuppressionEntry(models.Model):
    class Reason(models.TextChoices):
        OBJECTION = "objection", _("Objection (Art. 21 GDPR)")
        ERASURE = "erasure", _("Erasure (Art. 17 GDPR)")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")
        HARD_BOUNCE = "hard-bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Spam complaint")
        MANUAL = "manual", _("Blocked by staff")

    email_hash = models.CharField(_("address hash"), max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("suppression entry")
        verbose_name_plural = _("suppression list")

    def __str__(self):
        return f"{self.email_hash[:12]}… ({self.get_reason_display()})"


class ExportLog(models.Model):
    """Who exported which contacts, when, in what format: personal data leaving the system."""

    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    exported_at = models.DateTimeField(_("when"), auto_now_add=True)
    description = models.CharField(_("what"), max_length=500)
    file_format = models.CharField(_("format"), max_length=10)
    row_count = models.PositiveIntegerField(_("rows"))

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-exported_at"]

    def __str__(self):
        return f"{self.exported_at:%Y-%m-%d %H:%M} {self.description}"
