"""A distribution: one press release sent as a personal pitch, through outreach's engine.

The Mailing (source = the release) does the sending; the distribution holds
what is press-specific: the officer responsible, the audience as chosen
(lists, segments) and who was left out, and the personal note per recipient.
The mailing's audience is this distribution (an audience provider,
outreach.mailable), so left-out contacts are never frozen.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Distribution(models.Model):
    release = models.ForeignKey("press.PressReleasePage", verbose_name=_("press release"), on_delete=models.CASCADE,
                                related_name="distributions")
    mailing = models.OneToOneField("outreach.Mailing", verbose_name=_("mailing"), on_delete=models.CASCADE,
                                   related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("press officer"), null=True,
                                on_delete=models.SET_NULL, related_name="+")
    lists = models.ManyToManyField("outreach.ContactList", verbose_name=_("lists"), blank=True, related_name="+")
    segments = models.ManyToManyField("outreach.Segment", verbose_name=_("segments"), blank=True, related_name="+")
    left_out = models.ManyToManyField("outreach.Contact", verbose_name=_("left out"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.mailing)


class PitchNote(models.Model):
    """The officer's personal note to one recipient, above the release. html is sanitised (nh3) when saved."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="notes")
    contact = models.ForeignKey("outreach.Contact", on_delete=models.CASCADE, related_name="+")
    html = models.TextField(_("note"))
    text = models.TextField(_("note (plain text)"))

    class Meta:
        verbose_name = _("personal note")
        verbose_name_plural = _("personal notes")
        constraints = [models.UniqueConstraint(fields=["distribution", "contact"], name="press_pitchnote_unique")]
