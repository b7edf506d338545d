"""Snippets a press release is assembled from: its press contacts and the boilerplate."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES


class PressContact(index.Indexed, models.Model):
    """Who journalists call about a release. The same person in every language, so not translatable."""

    name = models.CharField(_("name"), max_length=120)
    function = models.CharField(_("function"), max_length=120, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    photo = models.ForeignKey(
        "media.CreditedImage", verbose_name=_("photo"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    panels = [
        FieldPanel("name"), FieldPanel("function"), FieldPanel("organisation"), FieldPanel("phone"),
        FieldPanel("mobile"), FieldPanel("email"), FieldPanel("photo"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("organisation")]

    class Meta:
        verbose_name = _("press contact")
        verbose_name_plural = _("press contacts")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.function})" if self.function else self.name


class Boilerplate(TranslatableMixin, models.Model):
    """The "About us" paragraph at the foot of every release; written once, translated once."""

    name = models.CharField(_("name"), max_length=120, help_text=_("For the press office; not published."))
    heading = models.CharField(_("heading"), max_length=120)
    text = RichTextField(_("text"), features=RICH_TEXT_FEATURES)

    panels = [FieldPanel("name"), FieldPanel("heading"), FieldPanel("text")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("boilerplate")
        verbose_name_plural = _("boilerplates")
        ordering = ["name"]

    def __str__(self):
        return self.name
