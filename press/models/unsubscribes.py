"""Press unsubscribes: contacts who want no more press mail, while their newsletters go on.

One row per contact, written by the unsubscribe scope of distributions
(press.services.unsubscribes, registered in press.apps). An objection or an
unsubscribe from everything is outreach's suppression list, not this.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PressUnsubscribe(models.Model):
    contact = models.OneToOneField("outreach.Contact", verbose_name=_("contact"), on_delete=models.CASCADE,
                                   related_name="press_unsubscribe")
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), auto_now_add=True)
    # How: "one-click", "link" or "mailto" (as outreach names it), and the mailing it came from.
    source = models.CharField(_("how"), max_length=40, blank=True)
    about = models.CharField(_("from mailing"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("press unsubscribe")
        verbose_name_plural = _("press unsubscribes")

    def __str__(self):
        return str(self.contact)
