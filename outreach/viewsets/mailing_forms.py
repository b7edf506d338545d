"""The forms of the mailing screens: the mailing itself, its content per language, a test send."""

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.blocks import BlockField, BlockWidget

from outreach.blocks import MailingBodyBlock
from outreach.models import ContactList, Mailing, MailingContent, Segment, SenderIdentity
from outreach.selectors_mailings import AttachmentSummary, mailing_attachments_by_locale
from outreach.services.attachments import (
    attachment_max_bytes,
    attachment_problems,
    mailing_attachment_add,
    mailing_attachment_remove,
)
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's "Uploading multiple files"); cleans to a list, empty if none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [single_file_clean(item, initial) for item in data]
        return [single_file_clean(data, initial)] if data else []


class OptionalBlockWidget(BlockWidget):
    """Wagtail's StreamField editor; a POST without its fields (the raw MJML or HTML was used) is an empty stream."""

    def value_from_datadict(self, data, files, name):
        if f"{name}-count" not in data:
            return self.block_def.to_python([])
        return super().value_from_datadict(data, files, name)


BODY_BLOCKS_STARTER = [{"type": "text", "value": "<p>{{ salutation }}</p>"}]


def _is_blocks_starter(blocks: list) -> bool:
    # The editor adds markup of its own (data-block-key); the starter is recognised by its text.
    return (len(blocks) == 1 and blocks[0]["type"] == "text"
            and re.sub(r"<[^>]*>|\s", "", str(blocks[0]["value"])) == "{{salutation}}")


class ContentForm(forms.Form):
    """Subject, body and attachments of one language. Left empty, the language is not sent.

    The body is written with blocks (text, image, button, divider) by default; raw MJML or HTML is the
    expert option. Blocks are turned into MJML by the service when it saves (outreach.blocks).
    """

    FORMAT_BLOCKS, FORMAT_MJML, FORMAT_HTML = "blocks", "mjml", "html"

    subject = forms.CharField(label=_("Subject"), max_length=255, required=False)
    preheader = forms.CharField(
        label=_("Preheader"), max_length=255, required=False,
        help_text=_("The short line mail programs show next to the subject."),
    )
    body_format = forms.ChoiceField(
        label=_("Body format"), initial=FORMAT_BLOCKS, widget=forms.RadioSelect,
        choices=[(FORMAT_BLOCKS, _("Blocks: text, image, button, divider")),
                 (FORMAT_MJML, _("MJML (responsive e-mail layout, for experts)")),
                 (FORMAT_HTML, _("HTML (for experts)"))],
    )
    body_blocks = forms.Field(
        label=_("Body"), required=False,
        help_text=_("Add text, images, buttons and dividers with the + button. In the text: {{ salutation }}, "
                    "{{ first_name }}, {{ last_name }}, {{ full_name }}. The footer with imprint and unsubscribe "
                    "link is added automatically."),
    )
    body = forms.CharField(
        label=_("Body (MJML or HTML)"), required=False, widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_("Placeholders: {{ salutation }}, {{ first_name }}, {{ last_name }}, {{ full_name }}, {{ email }}. "
                    "The footer with imprint and unsubscribe link is added automatically."),
    )
    body_text = forms.CharField(
        label=_("Plain text (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Leave empty to have it made from the body."),
    )
    attachments = MultipleFileField(label=_("Attach files"), required=False)
    remove_attachments = forms.TypedMultipleChoiceField(
        label=_("Attached files"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick a file to remove it."),
    )

    def __init__(self, *args, locale: str, label: str, content: MailingContent | None = None,
                 existing_attachments: Iterable[AttachmentSummary] = (), **kwargs):
        if content is not None and "initial" not in kwargs:
            is_html = bool(content.body_html.strip()) and not content.body_mjml.strip()
            body_format = (self.FORMAT_BLOCKS if content.body_blocks else self.FORMAT_HTML if is_html
                           else self.FORMAT_MJML)
            kwargs["initial"] = {
                "subject": content.subject, "preheader": content.preheader, "body_text": content.body_text,
                "body_format": body_format, "body_blocks": content.body_blocks,
                # With blocks, the MJML made from them: a start for whoever switches to the expert format.
                "body": content.body_html if is_html else content.body_mjml,
            }
        super().__init__(*args, prefix=locale, **kwargs)
        block = MailingBodyBlock()
        self.fields["body_blocks"] = BlockField(block, label=self.fields["body_blocks"].label, required=False,
                                                help_text=self.fields["body_blocks"].help_text,
                                                widget=OptionalBlockWidget(block))
        self.locale, self.label = locale, label
        self.existing_attachments = list(existing_attachments)
        self.fields["attachments"].help_text = _(
            "Sent with every mail in this language, e.g. the press release as PDF or a photo. Together at most "
            "%(limit)s; programs and scripts cannot be attached. After an error, choose the files again."
        ) % {"limit": filesizeformat(attachment_max_bytes())}
        self.fields["remove_attachments"].choices = [
            (attachment.id, f"{attachment.filename} ({filesizeformat(attachment.size)})")
            for attachment in self.existing_attachments
        ]

    def uses_blocks(self) -> bool:
        return self.cleaned_data.get("body_format") == self.FORMAT_BLOCKS

    def blocks_data(self) -> list:
        value = self.cleaned_data.get("body_blocks")
        return self.fields["body_blocks"].block.get_prep_value(value) if value else []

    def has_body(self) -> bool:
        if self.uses_blocks():
            return any(block for block in self.blocks_data())
        return bool(self.cleaned_data.get("body", "").strip())

    def is_filled(self) -> bool:
        data = self.cleaned_data
        # The untouched starter (layout or salutation block) is not content: only English may be meant.
        if self.uses_blocks():
            blocks = self.blocks_data()
            body = bool(blocks) and not _is_blocks_starter(blocks)
        else:
            text = data.get("body", "").strip()
            body = bool(text) and text != MJML_STARTER.strip()
        return bool(data.get("subject", "").strip() or body)

    def clean(self):
        cleaned = super().clean()
        if self.is_filled():
            if not cleaned.get("subject", "").strip():
                self.add_error("subject", _("A language with a body needs a subject."))
            if not self.has_body():
                self.add_error("body_blocks" if self.uses_blocks() else "body",
                               _("A language with a subject needs a body."))
        uploads = cleaned.get("attachments") or []
        if uploads:
            if not self.is_filled():
                self.add_error("attachments", _("Files can only be attached to a language with subject and body."))
            removed = set(cleaned.get("remove_attachments") or [])
            kept_bytes = sum(a.size for a in self.existing_attachments if a.id not in removed)
            # The same check the service makes when saving, here so that it shows on this field.
            for problem in attachment_problems(files=[(upload.name, upload.size) for upload in uploads],
                                               existing_bytes=kept_bytes):
                self.add_error("attachments", problem)
        return cleaned

    def attachments_save(self, *, mailing: Mailing) -> None:
        """Remove the ticked files and add the uploaded ones, through the service (which checks again)."""
        for attachment_id in self.cleaned_data.get("remove_attachments") or []:
            mailing_attachment_remove(mailing=mailing, attachment_id=attachment_id)
        for upload in self.cleaned_data.get("attachments") or []:
            mailing_attachment_add(mailing=mailing, locale=self.locale, filename=upload.name, content=upload.read())

    def content_values(self) -> dict:
        data = self.cleaned_data
        values = {"subject": data["subject"].strip(), "preheader": data["preheader"].strip(),
                  "body_text": data["body_text"], "body_blocks": [], "body_mjml": "", "body_html": ""}
        if self.uses_blocks():
            values["body_blocks"] = self.blocks_data()
        elif data["body_format"] == self.FORMAT_HTML:
            values["body_html"] = data["body"]
        else:
            values["body_mjml"] = data["body"]
        return values


def content_forms(mailing: Mailing | None, data=None, files=None) -> list[ContentForm]:
    existing = {c.locale: c for c in mailing.contents.all()} if mailing and mailing.pk else {}
    attachments = mailing_attachments_by_locale(mailing=mailing) if mailing else {}
    forms_ = [ContentForm(data, files, locale=locale, label=label, content=existing.get(locale),
                          existing_attachments=attachments.get(locale, ()))
              for locale, label in LOCALES]
    if not existing:
        forms_[0].initial["body"] = MJML_STARTER
        forms_[0].initial["body_blocks"] = forms_[0].fields["body_blocks"].block.to_python(BODY_BLOCKS_STARTER)
    return forms_


def content_forms_valid(forms_: list[ContentForm]) -> bool:
    valid = all([form.is_valid() for form in forms_])  # a list, so every form shows its errors
    if valid and not any(form.is_filled() for form in forms_):
        forms_[0].add_error(None, _("Write subject and body in at least one language."))
        return False
    return valid


def mailing_form_save(*, form: MailingForm, contents: list[ContentForm], user) -> Mailing:
    """Hand what was typed to outreach.services.mailings.mailing_save as plain values; an emptied language goes
    (with its files). Then the attachments of the languages kept, through outreach.services.attachments.

    Call it in one transaction (the admin's save_instance is): a ValidationError from a service, e.g. when the
    mailing was started since the form was opened, then leaves nothing saved.
    """
    data = form.cleaned_data
    mailing = mailing_save(
        mailing=form.instance if form.instance.pk else None,
        values={name: data[name] for name in MailingForm.VALUE_FIELDS},
        lists=data["lists"], segments=data["segments"],
        contents={content.locale: content.content_values() if content.is_filled() else None for content in contents},
        user=user,
    )
    for content in contents:
        if content.is_filled():
            content.attachments_save(mailing=mailing)
    return mailing


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
