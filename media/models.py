"""Images and documents that carry their credit and licence.

Every picture a communications office publishes needs a byline and a licence;
they live on the image itself so that every rendition, block and API response
can show them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.api import APIField
from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image

from media.api import PublicImageRenditionField


class Licence(models.TextChoices):
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")
    PRESS_USE = "press-use", _("Free for press use with credit")
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC0 = "cc0-1.0", "CC0 1.0"


class CreditedImage(AbstractImage):
    credit = models.CharField(_("credit"), max_length=255, blank=True)
    licence = models.CharField(
        _("licence"), max_length=32, choices=Licence.choices, default=Licence.ALL_RIGHTS_RESERVED
    )
    source_url = models.URLField(_("source URL"), blank=True)
    alt_text = models.CharField(_("alternative text"), max_length=255, blank=True)

    admin_form_fields = Image.admin_form_fields + ("alt_text", "credit", "licence", "source_url")

    api_fields = [
        APIField("alt_text"),
        APIField("credit"),
        APIField("licence"),
        APIField("thumbnail", serializer=PublicImageRenditionField("fill-400x300", source="*")),
        APIField("medium", serializer=PublicImageRenditionField("max-1200x1200", source="*")),
        APIField("large", serializer=PublicImageRenditionField("max-2400x2400", source="*")),
    ]

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")
        permissions = [("choose_image", "Can choose image")]


class CreditedRendition(AbstractRendition):
    image = models.ForeignKey(CreditedImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
        # media.views finds a rendition by the file name in its URL.
        indexes = [models.Index(fields=["file"], name="media_rendition_file_idx")]


class CreditedDocument(AbstractDocument):
    licence = models.CharField(
        _("licence"), max_length=32, choices=Licence.choices, default=Licence.ALL_RIGHTS_RESERVED
    )
    description = models.TextField(_("description"), blank=True)

    admin_form_fields = Document.admin_form_fields + ("description", "licence")

    api_fields = [APIField("description"), APIField("licence")]

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("choose_document", "Can choose Document")]
