"""People and organisations: one Contact per e-mail address, profiles hang off it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager


class OrganisationKind(models.TextChoices):
    OUTLET = "outlet", _("Media outlet")
    COMPANY = "company", _("Company")
    WORKS_COUNCIL = "works-council", _("Works council")
    CHAMBER = "chamber", _("Chamber")
    ASSOCIATION = "association", _("Association")
    UNION = "union", _("Union")
    RESEARCH = "research", _("Research")
    PUBLIC_BODY = "public-body", _("Public body")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices, default=OrganisationKind.OTHER)
    website = models.URLField(_("website"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="outreach_organisation_name_ci_unique"),
        ]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A person the office writes to. The e-mail address is stored lower-cased and is unique.

    Suppression (objection, erasure, hard bounce, complaint) is not a flag here
    but an entry on the global SuppressionEntry list, keyed by a hash of the
    address, so that no list, segment or import can bring the person back.
    """

    class Salutation(models.TextChoices):
        NONE = "", _("(none)")
        MS = "ms", _("Ms")
        MR = "mr", _("Mr")
        NEUTRAL = "neutral", _("Neutral (first and last name)")

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent (Art. 6(1)(a) GDPR)")
        LEGITIMATE_INTEREST = "legitimate-interest", _("Legitimate interest (Art. 6(1)(f) GDPR)")

    class DataOrigin(models.TextChoices):
        """Where the address came from. Anything but the person themselves makes the Art. 14 GDPR notice due
        with the first mail (outreach.notices decides; the sending path carries and records it)."""

        PERSON = "person", _("From the person themselves")
        TRADE_FAIR = "trade-fair", _("Trade-fair or event list")
        PUBLIC = "public", _("Public source (imprint, website, directory)")
        PURCHASED = "purchased", _("Bought or rented list")
        THIRD_PARTY = "third-party", _("Passed on by someone else")

    class BounceState(models.TextChoices):
        OK = "ok", _("Deliverable")
        SOFT = "soft", _("Soft bounces")
        HARD = "hard", _("Hard bounce")

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    # sha256 of the address, kept in step by save() and the import, so that the
    # suppression list can be joined in SQL (audiences, segment counts).
    email_hash = models.CharField(max_length=64, db_index=True, editable=False)
    salutation = models.CharField(_("salutation"), max_length=10, choices=Salutation.choices, blank=True)
    academic_title = models.CharField(_("title"), max_length=40, blank=True)
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.GERMAN)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="contacts",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=50, blank=True)
    tags = TaggableManager(verbose_name=_("tags"), blank=True)

    legal_basis = models.CharField(
        _("legal basis"), max_length=32, choices=LegalBasis.choices, default=LegalBasis.LEGITIMATE_INTEREST
    )
    legal_basis_note = models.TextField(
        _("documented reason or consent proof"), blank=True,
        help_text=_("For legitimate interest: why. For consent: when, how and to what the person agreed."),
    )
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    # The consent proof given at import (how, when, the reference and the document) stays on the import;
    # each contact it created points to it, so one uploaded document proves every contact's consent.
    consent_import = models.ForeignKey(
        "outreach.ContactImport", verbose_name=_("consent proof from import"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="consented_contacts", editable=False,
    )
    source = models.CharField(_("source of the data"), max_length=255, blank=True)
    # Blank for contacts from before this was asked: outreach.notices then falls back to the legal basis.
    data_origin = models.CharField(_("data collected"), max_length=20, choices=DataOrigin.choices, blank=True,
                                   default="", db_default="")
    art14_notice_sent_at = models.DateTimeField(_("Art. 14 notice sent"), null=True, blank=True)

    bounce_state = models.CharField(_("bounce state"), max_length=10, choices=BounceState.choices, default=BounceState.OK)
    soft_bounce_count = models.PositiveIntegerField(_("soft bounces in a row"), default=0)
    is_stale = models.BooleanField(_("stale"), default=False, help_text=_("The address bounced hard or complained."))
    last_contacted_at = models.DateTimeField(_("last contacted"), null=True, blank=True)
    # A search index kept in step by outreach.facets (signal handlers and bulk
    # refreshes): "profile:journalist", "beat:<topic translation key>",
    # "region:<region translation key>". On PostgreSQL a GIN index over it lets a
    # segment over a million contacts be counted from one table.
    segment_facets = models.JSONField(default=list, blank=True, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "email"]
        indexes = [
            models.Index(fields=["last_contacted_at"]),
            models.Index(fields=["bounce_state"]),
            models.Index(fields=["language"]),
        ]

    def __str__(self):
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return f"{name} <{self.email}>" if name else self.email

    def save(self, *args, **kwargs):
        from outreach.models.privacy import email_hash

        self.email = (self.email or "").strip().lower()
        self.email_hash = email_hash(self.email)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.academic_title, self.first_name, self.last_name) if p)


class JournalistProfile(models.Model):
    class MediaType(models.TextChoices):
        PRINT = "print", _("Print")
        ONLINE = "online", _("Online")
        RADIO = "radio", _("Radio")
        TV = "tv", _("TV")
        AGENCY = "agency", _("Agency")
        FREELANCE = "freelance", _("Freelance")

    # The contact is the primary key: a beat or region row then names the contact
    # directly, and a segment over a million contacts needs no join through the profile.
    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="journalist", primary_key=True
    )
    outlet = models.ForeignKey(
        Organisation, verbose_name=_("outlet"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="journalists",
    )
    role = models.CharField(_("role"), max_length=120, blank=True)
    media_type = models.CharField(_("media type"), max_length=20, choices=MediaType.choices, blank=True)
    beats = models.ManyToManyField("cms.Topic", verbose_name=_("beats"), blank=True, related_name="+")
    regions = models.ManyToManyField("cms.RegionPage", verbose_name=_("regions covered"), blank=True, related_name="+")
    languages = models.JSONField(_("languages"), default=list, blank=True)

    class Meta:
        verbose_name = _("journalist profile")
        verbose_name_plural = _("journalist profiles")

    def __str__(self):
        return f"{self.contact} ({self.outlet or '-'})"


class ProtagonistProfile(models.Model):
    """Someone who speaks for an initiative. Special-category data (e.g. union
    membership, Art. 9 GDPR) is deliberately not a field here: kind describes
    the organisation they speak for, never the person."""

    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="protagonist", primary_key=True
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="protagonists",
    )
    function = models.CharField(_("function"), max_length=200, blank=True)
    kind = models.CharField(_("kind of organisation"), max_length=32, choices=OrganisationKind.choices, blank=True)
    regions = models.ManyToManyField("cms.RegionPage", verbose_name=_("regions"), blank=True, related_name="+")
    initiatives = models.ManyToManyField(
        "cms.InitiativePage", verbose_name=_("initiatives they speak for"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("protagonist profile")
        verbose_name_plural = _("protagonist profiles")

    def __str__(self):
        return f"{self.contact} ({self.function or '-'})"
