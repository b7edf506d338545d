"""What happened with a contact (the timeline) and what is still to do (follow-ups)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        IMPORTED = "imported", _("Imported")
        EDITED = "edited", _("Edited")
        ADDED_TO_LIST = "added-to-list", _("Added to list")
        REMOVED_FROM_LIST = "removed-from-list", _("Removed from list")
        MAILED = "mailed", _("Mailed")
        OPENED = "opened", _("Opened")
        CLICKED = "clicked", _("Clicked")
        REPLIED = "replied", _("Replied")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        SUBSCRIBED = "subscribed", _("Subscribed")
        PREFERENCES_CHANGED = "preferences-changed", _("Preferences changed")
        OBJECTED = "objected", _("Objected")
        NOTICE_SENT = "art14-notice-sent", _("Art. 14 notice sent")
        EXPORTED = "exported", _("Data exported")
        NOTE = "note", _("Note")

    contact = models.ForeignKey(
        "outreach.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="activity"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("by"),
    )
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    # Another app's object this event is about (a mailing, a list...), as
    # "app_label.model:pk"; outreach must not import the apps that mail through it.
    subject = models.CharField(_("about"), max_length=120, blank=True, db_index=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["contact", "-occurred_at"])]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class FollowUp(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    contact = models.ForeignKey(
        "outreach.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    title = models.CharField(_("task"), max_length=255)
    due_on = models.DateField(_("due"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups",
        verbose_name=_("owner"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    subject = models.CharField(_("about"), max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["status", "due_on"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return self.title
