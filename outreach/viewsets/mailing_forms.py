"""The forms of the mailing screens: the mailing itself, its content per language, a test send."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from outreach.models import ContactList, Mailing, MailingContent, Segment, SenderIdentity
from outreach.services.mailings import mailing_save

# The languages a one-off mailing is written in, the original first: the freeze gives
# every contact whose language is missing the first language that has content.
LOCALES = (("de", _("German")), ("en", _("English")))
TEST_ADDRESSES_MAX = 10

TRACKING_CONSENT_HELP = _(
    "German law (§ 25 TDDDG, GDPR) requires the recipients' consent before opens or clicks are tracked. "
    "Switch this on only if everyone on the chosen lists has agreed to it; otherwise leave it off."
)


class MailingForm(WagtailAdminModelForm):
    """Title, sender, audience, tracking and schedule. The content is in one ContentForm per language."""

    WHEN_NOW, WHEN_LATER = "now", "later"
    VALUE_FIELDS = ("title", "sender", "track_opens", "track_clicks", "track_replies", "scheduled_at")

    when = forms.ChoiceField(
        label=_("When"), widget=forms.RadioSelect, initial=WHEN_NOW,
        choices=[(WHEN_NOW, _("Send as soon as I press 'Send'")), (WHEN_LATER, _("At a date and time"))],
    )
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Only for 'At a date and time'. The mailing still needs your 'Send' to be scheduled."),
    )

    class Meta:
        model = Mailing
        fields = ["title", "sender", "lists", "segments", "track_opens", "track_clicks", "track_replies",
                  "scheduled_at"]
        widgets = {"lists": forms.CheckboxSelectMultiple, "segments": forms.CheckboxSelectMultiple}
        help_texts = {
            "title": _("For you and your colleagues; recipients do not see it."),
            "track_opens": TRACKING_CONSENT_HELP,
            "track_clicks": TRACKING_CONSENT_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].required = True
        self.fields["sender"].queryset = SenderIdentity.objects.all()
        self.fields["sender"].empty_label = None
        self.fields["lists"].queryset = ContactList.objects.order_by("name")
        self.fields["segments"].queryset = Segment.objects.order_by("name")
        self.fields["lists"].help_text = _("Everyone on any chosen list or segment gets the mailing once.")
        self.fields["segments"].help_text = _("Segments are evaluated when the mailing is sent, not now.")
        if not self.instance.pk:
            default = SenderIdentity.objects.filter(is_default=True).first() or SenderIdentity.objects.first()
            self.initial.setdefault("sender", default.pk if default else None)
        elif self.instance.scheduled_at:
            self.initial["when"] = self.WHEN_LATER
            self.initial["scheduled_at"] = timezone.localtime(self.instance.scheduled_at)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == self.WHEN_LATER:
            moment = cleaned.get("scheduled_at")
            if not moment:
                self.add_error("scheduled_at", _("Give the date and time to send at."))
            elif moment <= timezone.now():
                self.add_error("scheduled_at", _("This time has passed; choose a time in the future."))
        else:
            cleaned["scheduled_at"] = None
        if not (cleaned.get("lists") or cleaned.get("segments")):
            self.add_error(None, _("Choose at least one list or segment as the audience."))
        return cleaned


# A new mailing's first language starts from this, so nobody faces an empty MJML box.
MJML_STARTER = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text font-size="16px">{{ salutation }}</mj-text>
        <mj-text font-size="16px">…</mj-text>
        <mj-button href="https://">…</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>"""


class ContentForm(forms.Form):
    """Subject and body of one language. Left empty, the language is not sent."""

    FORMAT_MJML, FORMAT_HTML = "mjml", "html"

    subject = forms.CharField(label=_("Subject"), max_length=255, required=False)
    preheader = forms.CharField(
        label=_("Preheader"), max_length=255, required=False,
        help_text=_("The short line mail programs show next to the subject."),
    )
    body_format = forms.ChoiceField(
        label=_("Body format"), initial=FORMAT_MJML, widget=forms.RadioSelect,
        choices=[(FORMAT_MJML, _("MJML (responsive e-mail layout)")), (FORMAT_HTML, _("HTML"))],
    )
    body = forms.CharField(
        label=_("Body"), required=False, widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_("Placeholders: {{ salutation }}, {{ first_name }}, {{ last_name }}, {{ full_name }}, {{ email }}. "
                    "The footer with imprint and unsubscribe link is added automatically."),
    )
    body_text = forms.CharField(
        label=_("Plain text (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Leave empty to have it made from the body."),
    )

    def __init__(self, *args, locale: str, label: str, content: MailingContent | None = None, **kwargs):
        if content is not None and "initial" not in kwargs:
            is_html = bool(content.body_html.strip()) and not content.body_mjml.strip()
            kwargs["initial"] = {
                "subject": content.subject, "preheader": content.preheader, "body_text": content.body_text,
                "body_format": self.FORMAT_HTML if is_html else self.FORMAT_MJML,
                "body": content.body_html if is_html else content.body_mjml,
            }
        super().__init__(*args, prefix=locale, **kwargs)
        self.locale, self.label = locale, label

    def is_filled(self) -> bool:
        data = self.cleaned_data
        body = data.get("body", "").strip()
        # The untouched starter layout is not content: only English may be meant.
        return bool(data.get("subject", "").strip() or (body and body != MJML_STARTER.strip()))

    def clean(self):
        cleaned = super().clean()
        if self.is_filled():
            if not cleaned.get("subject", "").strip():
                self.add_error("subject", _("A language with a body needs a subject."))
            if not cleaned.get("body", "").strip():
                self.add_error("body", _("A language with a subject needs a body."))
        return cleaned

    def content_values(self) -> dict:
        data = self.cleaned_data
        is_html = data["body_format"] == self.FORMAT_HTML
        return {"subject": data["subject"].strip(), "preheader": data["preheader"].strip(),
                "body_mjml": "" if is_html else data["body"], "body_html": data["body"] if is_html else "",
                "body_text": data["body_text"]}


def content_forms(mailing: Mailing | None, data=None) -> list[ContentForm]:
    existing = {c.locale: c for c in mailing.contents.all()} if mailing and mailing.pk else {}
    forms_ = [ContentForm(data, locale=locale, label=label, content=existing.get(locale)) for locale, label in LOCALES]
    if not existing:
        forms_[0].initial["body"] = MJML_STARTER
    return forms_


def content_forms_valid(forms_: list[ContentForm]) -> bool:
    valid = all([form.is_valid() for form in forms_])  # a list, so every form shows its errors
    if valid and not any(form.is_filled() for form in forms_):
        forms_[0].add_error(None, _("Write subject and body in at least one language."))
        return False
    return valid


def mailing_form_save(*, form: MailingForm, contents: list[ContentForm], user) -> Mailing:
    """Hand what was typed to outreach.services.mailings.mailing_save as plain values; an emptied language goes.

    Raises ValidationError from the service, e.g. when the mailing was started since the form was opened.
    """
    data = form.cleaned_data
    return mailing_save(
        mailing=form.instance if form.instance.pk else None,
        values={name: data[name] for name in MailingForm.VALUE_FIELDS},
        lists=data["lists"], segments=data["segments"],
        contents={content.locale: content.content_values() if content.is_filled() else None for content in contents},
        user=user,
    )


_SEPARATORS = re.compile(r"[\s,;]+")


class TestSendForm(forms.Form):
    addresses = forms.CharField(
        label=_("Send a test to"), widget=forms.Textarea(attrs={"rows": 3}),
    )
    locales = forms.MultipleChoiceField(label=_("Languages"), widget=forms.CheckboxSelectMultiple, required=False,
                                        help_text=_("None chosen: every language."))

    def __init__(self, *args, locales: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addresses"].help_text = _(
            "Up to %(max)s addresses, separated by commas or line breaks. The subject starts with [TEST]; "
            "nobody in the audience gets anything.") % {"max": TEST_ADDRESSES_MAX}
        names = dict(LOCALES)
        self.fields["locales"].choices = [(locale, names.get(locale, locale)) for locale in locales]

    def clean_addresses(self) -> list[str]:
        addresses = [a for a in _SEPARATORS.split(self.cleaned_data["addresses"]) if a]
        if not addresses:
            raise ValidationError(_("Give at least one address."))
        if len(addresses) > TEST_ADDRESSES_MAX:
            raise ValidationError(_("At most %(max)s addresses at a time.") % {"max": TEST_ADDRESSES_MAX})
        invalid = []
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                invalid.append(address)
        if invalid:
            raise ValidationError(_("Not a valid address: %(addresses)s") % {"addresses": ", ".join(invalid)})
        return list(dict.fromkeys(addresses))
