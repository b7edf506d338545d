"""Coverage clippings: what the media made of a release.

Staff record a clipping by hand (works offline); a background task then
fills in what it can read from the page (title, publication date, outlet)
where the officer left it empty (press.services.coverage).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Clipping(models.Model):
    class Tone(models.TextChoices):
        POSITIVE = "positive", _("positive")
        NEUTRAL = "neutral", _("neutral")
        NEGATIVE = "negative", _("negative")

    class FetchStatus(models.TextChoices):
        PENDING = "pending", _("waiting to be read")
        FETCHED = "fetched", _("read from the page")
        FAILED = "failed", _("could not be read")

    release = models.ForeignKey(
        "press.PressReleasePage", verbose_name=_("press release"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="clippings",
    )
    url = models.URLField(_("address (URL)"), max_length=1000, help_text=_(
        "The article online. Title, date and outlet are read from the page when it can be reached."))
    outlet = models.CharField(_("outlet"), max_length=200, blank=True, db_index=True)
    published_on = models.DateField(_("date"), null=True, blank=True)
    headline = models.CharField(_("headline"), max_length=500, blank=True)
    reach = models.PositiveBigIntegerField(_("reach"), null=True, blank=True,
                                           help_text=_("Readers, listeners or visits, as the outlet states them."))
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices, default=Tone.NEUTRAL)
    journalist = models.ForeignKey(
        "outreach.Contact", verbose_name=_("journalist"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"journalist__isnull": False},
    )
    fetch_status = models.CharField(_("reading the page"), max_length=10, choices=FetchStatus.choices,
                                    default=FetchStatus.PENDING, editable=False)
    fetch_error = models.CharField(_("why not"), max_length=500, blank=True, editable=False)
    fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("clipping")
        verbose_name_plural = _("clippings")
        ordering = ["-published_on", "-created_at"]

    def __str__(self):
        return self.headline or self.url

    @property
    def activity_subject(self) -> str:
        return f"press.clipping:{self.pk}"
