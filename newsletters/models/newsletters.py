"""A newsletter and the versioned texts a subscriber agrees to.

Newsletter keeps its texts in per-locale fields (name_de, name_en, ...) rather
than being a TranslatableMixin snippet: a newsletter is one thing that is sent
in several languages, and a subscription, a mailing's audience and its
unsubscribe scope must all name that one thing. A translatable snippet would be
one row per locale joined by translation_key, so every reference would have to
pick a row or carry the key. The languages are the project's two
(settings.LANGUAGES); a third would be a migration, which is acceptable for
a handful of configuration rows.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Newsletter(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True,
                            help_text=_("Used by the front end and in sign-up URLs; never changes the subscriptions."))
    name_de = models.CharField(_("name (German)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    frequency_de = models.CharField(_("frequency (German)"), max_length=80, blank=True,
                                    help_text=_("e.g. “monthly” or “after each dialogue”; shown on the sign-up form."))
    frequency_en = models.CharField(_("frequency (English)"), max_length=80, blank=True)
    topics = models.ManyToManyField("cms.Topic", verbose_name=_("topics subscribers may pick"), blank=True,
                                    related_name="+")
    regions = models.ManyToManyField("cms.RegionPage", verbose_name=_("regions subscribers may pick"), blank=True,
                                     related_name="+")
    languages = models.JSONField(_("languages it is sent in"), default=list,
                                 help_text=_("Language codes, the default first, e.g. [\"de\", \"en\"]."))
    sender = models.ForeignKey("outreach.SenderIdentity", verbose_name=_("sender"), on_delete=models.PROTECT,
                               related_name="+")
    confirmation_text_de = models.TextField(
        _("confirmation mail text (German)"), blank=True,
        help_text=_("Only the request to confirm: no advertising (German courts found that unlawful). "
                    "The confirmation link is added below it."),
    )
    confirmation_text_en = models.TextField(_("confirmation mail text (English)"), blank=True)
    welcome_subject_de = models.CharField(_("welcome mail subject (German)"), max_length=200, blank=True)
    welcome_subject_en = models.CharField(_("welcome mail subject (English)"), max_length=200, blank=True)
    welcome_text_de = models.TextField(_("welcome mail text (German)"), blank=True,
                                       help_text=_("Empty: no welcome mail after confirmation."))
    welcome_text_en = models.TextField(_("welcome mail text (English)"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=True,
        help_text=_("Public newsletters can be subscribed to from the website; internal ones only by staff."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["name_de"]

    def __str__(self):
        return self.name()

    def clean(self):
        codes = _language_codes()
        if not self.languages or not isinstance(self.languages, list) or any(c not in codes for c in self.languages):
            raise ValidationError({"languages": _("Give one or more of: %(codes)s.") % {"codes": ", ".join(codes)}})

    def localised(self, field: str, language: str | None = None) -> str:
        """The field in that language (default: the active one), else in German."""
        language = (language or translation.get_language() or "de").split("-")[0]
        return getattr(self, f"{field}_{language}", "") or getattr(self, f"{field}_de", "")

    def name(self, language: str | None = None) -> str:
        return self.localised("name", language)

    @property
    def default_language(self) -> str:
        return (self.languages or ["de"])[0]

    def language_for(self, language: str) -> str:
        """The language a subscriber who asked for `language` gets: it, if the newsletter is sent in it."""
        return language if language in (self.languages or []) else self.default_language

    @property
    def reference(self) -> str:
        """How outreach names this newsletter (audience provider, unsubscribe scope, timeline)."""
        return f"newsletters.newsletter:{self.pk}"


class ConsentText(models.Model):
    """One version of the consent text or the privacy notice, in one language.

    Never edited once saved: a change is a new version, so what a subscriber
    was shown (Subscription.consent_text / privacy_notice) stays readable
    word for word. The newest version per kind and language is shown.
    """

    class Kind(models.TextChoices):
        CONSENT = "consent", _("Consent text")
        PRIVACY = "privacy", _("Privacy notice")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    version = models.PositiveIntegerField(_("version"), editable=False)
    text = models.TextField(_("text"), help_text=_("Shown next to the sign-up button. A change makes a new version."))
    url = models.URLField(_("link to the full text"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts and privacy notices")
        ordering = ["kind", "language", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "language", "version"],
                                               name="newsletters_consenttext_version_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.language} v{self.version}"
