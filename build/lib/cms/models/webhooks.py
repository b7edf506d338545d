"""Publish webhooks: endpoints configured in the admin and one row per delivery.

Every delivery is a row before it is a task, so the admin can show what was
sent, how often it was tried and why it failed, and a lost task can be retried
from the row.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def generate_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEvent(models.TextChoices):
    PAGE_PUBLISHED = "page.published", _("Page published")
    PAGE_UNPUBLISHED = "page.unpublished", _("Page unpublished")


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500, help_text=_("HTTPS address that receives a JSON POST"))
    secret = models.CharField(
        _("signing secret"), max_length=100, default=generate_webhook_secret,
        help_text=_("The receiver checks the X-Dialogdesk-Signature header (HMAC-SHA256 of the body) with it."),
    )
    on_publish = models.BooleanField(_("on publish"), default=True)
    on_unpublish = models.BooleanField(_("on unpublish"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.url})"

    def wants(self, event: str) -> bool:
        return {WebhookEvent.PAGE_PUBLISHED: self.on_publish, WebhookEvent.PAGE_UNPUBLISHED: self.on_unpublish}[event]


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_status_code = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.event} → {self.endpoint.name} ({self.get_status_display()})"
