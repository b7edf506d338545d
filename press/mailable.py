"""A press release as outreach mails it (the Mailable protocol of outreach/mailable.py).

One MJML body per language, built from the release in that language: the
embargo line when it is still ahead, kind and date, headline, dateline, body,
press contacts and boilerplate; documents go along as attachments. outreach
copies this when a mailing starts, renders MJML once per language and
personalises per recipient ({{ salutation }} stays a merge field here).
"""

import datetime
import html
import mimetypes
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override
from wagtail.models import Revision

from cms.richtext import rich_text_to_api_html
from outreach.mailable import MailContent

BERLIN = ZoneInfo("Europe/Berlin")
LABELS = {
    "de": {"kind": "Medieninformation", "embargo": "SPERRFRIST", "contact": "Pressekontakt", "phone": "Telefon",
           "mobile": "Mobil", "email": "E-Mail", "time": "{date}, {time} Uhr"},
    "en": {"kind": "Press release", "embargo": "EMBARGO", "contact": "Press contact", "phone": "Phone",
           "mobile": "Mobile", "email": "E-mail", "time": "{date}, {time} (Berlin time)"},
}
_SECTION = """<mjml>
  <mj-body background-color="#f4f4f4">
    <mj-section background-color="#ffffff">
      <mj-column>
{rows}
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>"""


def _labels(locale: str) -> dict:
    return LABELS.get(locale, LABELS["en"])


def _as_mailed(page):
    """The version that is (or will be) public: the scheduled revision, else the live page, else the latest draft."""
    scheduled = Revision.page_revisions.filter(object_id=str(page.pk), approved_go_live_at__isnull=False).order_by(
        "-created_at"
    ).first()
    if scheduled is not None:
        return scheduled.as_object()
    if page.live:
        return page
    return page.get_latest_revision_as_object()


def _is_mailable_translation(page) -> bool:
    return page.live or Revision.page_revisions.filter(object_id=str(page.pk), approved_go_live_at__isnull=False).exists()


def release_mailable_locales(*, release) -> list[str]:
    """The release's own language first, then every translation that is published or scheduled."""
    codes = [release.locale.language_code]
    for translation in release.get_translations().select_related("locale").order_by("locale__language_code"):
        if translation.alias_of_id is None and _is_mailable_translation(translation):
            codes.append(translation.locale.language_code)
    return codes


def embargo_line(*, embargo: datetime.datetime, locale: str) -> str:
    """ "SPERRFRIST: 16.01.2017, 10:00 Uhr" / "EMBARGO: 16 January 2017, 10:00 (Berlin time)"."""
    labels = _labels(locale)
    local = embargo.astimezone(BERLIN)
    with override(locale):
        date = date_format(local, "d.m.Y" if locale == "de" else "j F Y")
    return f"{labels['embargo']}: " + labels["time"].format(date=date, time=local.strftime("%H:%M"))


def _text(markup: str, **attributes) -> str:
    attrs = " ".join(f'{name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f"        <mj-text {attrs}>{markup}</mj-text>"


def _body_rows(release) -> list[str]:
    rows = []
    for block in release.body:
        if block.block_type == "text":
            rows.append(_text(rich_text_to_api_html(block.value.source), font_size="16px", line_height="1.5"))
        elif block.block_type == "quote":
            who = ", ".join(part for part in (block.value.get("attribution"), block.value.get("role")) if part)
            rows.append(_text(f"<em>„{html.escape(block.value['text'])}“</em>" + (f"<br>– {html.escape(who)}" if who else ""),
                              font_size="16px", line_height="1.5"))
        elif block.block_type == "call_to_action":
            url = block.value.get("url") or (block.value["page"].full_url if block.value.get("page") else "")
            if url:
                rows.append(f'        <mj-button href="{html.escape(url)}" background-color="#007d7e">'
                            f"{html.escape(block.value['label'])}</mj-button>")
    return rows


def _contact_rows(release, labels: dict) -> list[str]:
    rows = []
    for item in release.press_contacts.select_related("contact"):
        contact = item.contact
        parts = [html.escape(", ".join(p for p in (contact.name, contact.function, contact.organisation) if p))]
        for key, value in (("phone", contact.phone), ("mobile", contact.mobile), ("email", contact.email)):
            if value:
                parts.append(f"{labels[key]} {html.escape(value)}")
        rows.append(_text(f"<strong>{labels['contact']}:</strong> " + " · ".join(parts), font_size="14px",
                          color="#444444"))
    return rows


def _attachments(release) -> list[tuple[str, bytes, str]]:
    files = []
    for item in release.documents.select_related("document"):
        document = item.document
        with document.open_file() as handle:
            data = handle.read()
        mimetype = mimetypes.guess_type(document.filename)[0] or "application/octet-stream"
        files.append((document.filename, data, mimetype))
    return files


def release_mailable_content(*, release, locale: str) -> MailContent:
    """Subject, MJML body and attachments of the release in one of its mailable locales.

    Before the embargo the subject and the first line carry the embargo in the
    recipient's language; journalists may receive a release early, but must see when it may be published.
    """
    page = release if release.locale.language_code == locale else release.get_translation(_locale(locale))
    page = _as_mailed(page.specific)
    labels = _labels(locale)
    embargo = page.embargo_until if page.embargo_until and page.embargo_until > timezone.now() else None
    with override(locale):
        date = date_format(page.release_date, "j. F Y" if locale == "de" else "j F Y")
    rows = []
    if embargo:
        rows.append(_text(f"<strong>{html.escape(embargo_line(embargo=embargo, locale=locale))}</strong>",
                          font_size="15px", color="#b00020"))
    rows.append(_text(f"{labels['kind']} · {html.escape(date)}", font_size="13px", color="#666666"))
    rows.append(_text(html.escape(page.title), font_size="22px", font_weight="bold", line_height="1.3"))
    if page.subtitle:
        rows.append(_text(html.escape(page.subtitle), font_size="17px", line_height="1.4"))
    rows.append(_text("{{ salutation }}", font_size="16px"))
    # The press officer's personal note to this recipient (a distribution's), empty for everyone else.
    rows.append(_text("{{ personal_note }}", font_size="16px", line_height="1.5"))
    if page.dateline:
        rows.append(_text(f"<strong>{html.escape(page.dateline)}, {html.escape(date)}.</strong>", font_size="16px"))
    if page.summary:
        rows.append(_text(html.escape(page.summary), font_size="16px", line_height="1.5"))
    rows += _body_rows(page)
    rows += _contact_rows(page, labels)
    if page.boilerplate_id:
        boilerplate = page.boilerplate
        rows.append(_text(f"<strong>{html.escape(boilerplate.heading)}</strong><br>"
                          + rich_text_to_api_html(boilerplate.text), font_size="13px", color="#666666"))
    subject = f"{labels['kind']}: {page.title}"
    if embargo:
        subject = f"{embargo_line(embargo=embargo, locale=locale)} – {page.title}"
    return MailContent(subject=subject[:255], preheader=(page.subtitle or page.summary)[:255],
                       mjml=_SECTION.format(rows="\n".join(rows)), attachments=_attachments(page))


def _locale(code: str):
    from wagtail.models import Locale

    return Locale.objects.get(language_code=code)
