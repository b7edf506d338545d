"""Static lists and segments (saved filters evaluated when used)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactList(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    contacts = models.ManyToManyField(
        "outreach.Contact", through="outreach.ListMembership", related_name="lists", verbose_name=_("contacts")
    )

    class Meta:
        verbose_name = _("list")
        verbose_name_plural = _("lists")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ListMembership(models.Model):
    contact_list = models.ForeignKey(ContactList, on_delete=models.CASCADE, related_name="memberships")
    contact = models.ForeignKey("outreach.Contact", on_delete=models.CASCADE, related_name="memberships")
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("list membership")
        verbose_name_plural = _("list memberships")
        constraints = [
            models.UniqueConstraint(fields=["contact_list", "contact"], name="outreach_listmembership_unique"),
        ]


class Segment(models.Model):
    """A saved filter over contacts, evaluated each time it is used.

    rules is {"match": "all" | "any", "conditions": [{"field": ..., "op": ...,
    "value": ...}]}; outreach.segments turns it into one queryset, and
    validates it on save so that a segment that cannot be evaluated is never stored.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    rules = models.JSONField(_("rules"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self):
        return self.name
