"""Contact imports: a file is uploaded, previewed, then applied in batches by a Celery task."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Uploaded contact files hold personal data: never in the public media storage."""
    return storages["private"]


class ContactImport(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", storage=private_storage)
    original_filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True)
    column_mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    target_list = models.ForeignKey(
        "outreach.ContactList", verbose_name=_("add to list"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    legal_basis = models.CharField(_("legal basis"), max_length=32, blank=True)
    legal_basis_note = models.TextField(_("documented reason or consent proof"), blank=True)
    source = models.CharField(_("source of the data"), max_length=255, blank=True)
    data_origin = models.CharField(_("data collected"), max_length=20, blank=True)
    # Proof of consent, asked for when legal_basis is consent: how it was given, when, and a document or reference.
    consent_source = models.CharField(_("consent obtained through"), max_length=255, blank=True)
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_reference = models.CharField(_("consent proof (reference)"), max_length=255, blank=True)
    consent_document = models.FileField(_("consent proof (document)"), upload_to="imports/consent/%Y/%m/",
                                        storage=private_storage, blank=True)
    # "", "journalist" or "protagonist": the profile imported contacts get (beats, outlet, regions, function).
    profile_kind = models.CharField(_("create profiles"), max_length=12, blank=True)
    # "app_label.model:pk" of what the imported contacts are attached to (outreach.mailable.register_import_target),
    # e.g. a newsletter; "" for none.
    import_target = models.CharField(_("attach to"), max_length=120, blank=True)
    tags = models.CharField(_("tags for imported contacts"), max_length=255, blank=True)
    create_organisations = models.BooleanField(
        _("create unknown organisations"), default=True,
        help_text=_("Otherwise contacts whose organisation is not known yet are imported without one."),
    )
    # Header row as read from the file; column_mapping maps each header to a contact field (or "" to skip).
    headers = models.JSONField(_("columns in the file"), default=list, blank=True)
    # What the preview found (counts per effect, problems, a sample of effects); nothing is written to contacts then.
    preview = models.JSONField(_("preview"), default=dict, blank=True)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    error = models.TextField(_("error"), blank=True)
    # Data rows of the file whose batch has committed, saved in the same transaction as the batch:
    # a retried task resumes here, so no batch is applied twice.
    resume_row = models.PositiveIntegerField(_("rows committed"), default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact import")
        verbose_name_plural = _("contact imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_filename} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
