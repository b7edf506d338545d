"""The admin form of a press release: the embargo in Berlin time, and the checks that stop a publish.

Wagtail 7 defers validation when a draft is saved (defer_required_fields);
every other action (publish, submit for moderation) runs the checks below in
the form's clean(), before anything is saved, so a refused publish leaves
neither a revision nor a changed page behind.
"""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateTimeInput

from cms.forms import LocalizedChoicesPageForm
from outreach.services.attachments import attachment_problems
from press.services.embargo import release_scheduled_embargo

BERLIN = ZoneInfo("Europe/Berlin")


class BerlinDateTimeField(forms.DateTimeField):
    """Entered and shown in Europe/Berlin whatever time zone the editor's account has: embargoes are Berlin time."""

    def prepare_value(self, value):
        with timezone.override(BERLIN):
            return super().prepare_value(value)

    def to_python(self, value):
        with timezone.override(BERLIN):
            return super().to_python(value)


def berlin_display(moment: datetime.datetime) -> str:
    return date_format(moment.astimezone(BERLIN), "DATETIME_FORMAT")


def _minute(moment: datetime.datetime | None):
    return moment.replace(second=0, microsecond=0) if moment else None


class PressReleasePageForm(LocalizedChoicesPageForm):
    embargo_until = BerlinDateTimeField(
        label=_("Embargo until"), required=False, widget=AdminDateTimeInput,
        help_text=_("Date and time in Berlin. Until then only the press office sees the release; "
                    "at this time it goes live by itself. Leave empty to publish at once."),
    )
    break_embargo = forms.BooleanField(
        label=_("Publish before the embargo"), required=False,
        help_text=_("Only needed to publish a release that is scheduled for a later time right now. "
                    "This is logged."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_draft_save = False

    def defer_required_fields(self):
        super().defer_required_fields()
        self.is_draft_save = True

    def restore_required_fields(self):
        super().restore_required_fields()
        self.is_draft_save = False

    def clean(self):
        cleaned = super().clean()
        # On every save, drafts too: a file that can never go out is better refused when it is chosen.
        self._check_documents()
        if self.is_draft_save:
            return cleaned
        self._check_embargo(cleaned)
        self._check_press_contacts()
        self._check_images(cleaned)
        return cleaned

    def _rows(self, name: str) -> list[dict]:
        formset = self.formsets.get(name)
        if formset is None:
            return []
        formset.is_valid()  # the rows' cleaned_data; errors are shown with the formset as usual
        return [
            form.cleaned_data for form in formset.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]

    def _check_embargo(self, cleaned: dict) -> None:
        embargo = cleaned.get("embargo_until")
        now = timezone.now()
        unchanged = _minute(embargo) == _minute(self.initial.get("embargo_until"))
        # A live release keeps the embargo it went live with; only a new or changed one must lie ahead.
        if embargo and embargo <= now and not (self.instance.live and unchanged):
            self.add_error("embargo_until", _(
                "The embargo %(time)s is already over. Choose a later time, or leave the field empty to publish now."
            ) % {"time": berlin_display(embargo)})
            return
        scheduled = release_scheduled_embargo(release=self.instance)
        if scheduled and embargo is None:
            if not cleaned.get("break_embargo"):
                self.add_error("break_embargo", _(
                    "This release is under embargo until %(time)s. To publish it now, tick "
                    "'Publish before the embargo' and publish again (this is logged), or enter the embargo again."
                ) % {"time": berlin_display(scheduled)})
            else:
                # Read by the before_publish_page hook, which logs the break with the user.
                self.instance._press_embargo_broken = scheduled

    def _check_press_contacts(self) -> None:
        if not any(row.get("contact") for row in self._rows("press_contacts")):
            self.add_error(None, _("Add at least one press contact: journalists need someone to call."))

    def _check_documents(self) -> None:
        """The release's documents go to every journalist as attachments (press.mailable): the engine's own
        rules for attachments apply (no programs or scripts; the mail's size limit for one language)."""
        documents = [row["document"] for row in self._rows("documents") if row.get("document")]
        if not documents:
            return
        files = [(document.filename, document.get_file_size() or 0) for document in dict.fromkeys(documents)]
        for problem in attachment_problems(files=files):
            self.add_error(None, _("Documents: %(problem)s Remove the document or choose another one.")
                           % {"problem": problem})

    def _check_images(self, cleaned: dict) -> None:
        images = [cleaned.get("image")] + [row.get("image") for row in self._rows("images")]
        body = cleaned.get("body")
        for block in body or []:
            if block.block_type == "image":
                images.append(block.value.get("image"))
        for image in dict.fromkeys(image for image in images if image is not None):
            missing = [str(label) for label, value in ((_("credit"), image.credit), (_("alt text"), image.alt_text))
                       if not (value or "").strip()]
            if missing:
                self.add_error(None, _(
                    "The image '%(title)s' lacks: %(missing)s. Add it to the image (Images → edit) before publishing."
                ) % {"title": image.title, "missing": _(" and ").join(missing)})
