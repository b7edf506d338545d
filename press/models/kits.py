"""Press kits: one ZIP per release, of its images, documents, credits and text.

A row per build. The content hash says what went in (the release's text in
every language, each file's own hash, credits and captions), so a kit is
built again only when one of them changed (press.services.kits). The newest
row of a release is its kit: BUILDING while the worker writes it, READY once
the file is stored (the private storage: var/private or the private S3 bucket), FAILED with the reason.
"""

from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def kit_storage():
    """Never the public media bucket: before its embargo a kit must be out of reach even of someone who
    learns its key. The download view (press.views.kits) checks the release and streams the file."""
    return storages["private"]


class PressKit(models.Model):
    class Status(models.TextChoices):
        BUILDING = "building", _("being built")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    release = models.ForeignKey("press.PressReleasePage", verbose_name=_("press release"), on_delete=models.CASCADE,
                                related_name="press_kits")
    content_hash = models.CharField(_("content hash"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BUILDING)
    # Written by the build, never uploaded through a form.
    file = models.FileField(_("file"), max_length=255, blank=True, editable=False, storage=kit_storage)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    error = models.CharField(_("why it failed"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)

    class Meta:
        verbose_name = _("press kit")
        verbose_name_plural = _("press kits")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["release", "content_hash"], name="press_kit_unique_content")]

    def __str__(self):
        return f"{self.release_id}:{self.content_hash[:12]}"

    @property
    def filename(self) -> str:
        """The name the download is saved under."""
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
