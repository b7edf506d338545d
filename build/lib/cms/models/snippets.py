from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin
from wagtail.search import index


class Topic(TranslatableMixin, index.Indexed, models.Model):
    """A subject that news, events, studies and contacts are filed under."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        unique_together = [("translation_key", "locale"), ("slug", "locale")]

    def __str__(self):
        return self.name


class PartnerOrganisation(index.Indexed, models.Model):
    """A company, works council, chamber, association, union... taking part in an initiative.

    Not translatable: an organisation's name is the same in every language.
    """

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        WORKS_COUNCIL = "works-council", _("Works council")
        CHAMBER = "chamber", _("Chamber")
        ASSOCIATION = "association", _("Association")
        UNION = "union", _("Union")
        RESEARCH = "research", _("Research")
        PUBLIC_BODY = "public-body", _("Public body")

    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "media.CreditedImage", verbose_name=_("logo"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("kind")]

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name
