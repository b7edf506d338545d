"""Files attached by hand to a one-off mailing, per language, while it can still be edited.

A mailing with a source gets its attachments copied from there when it starts
(outreach.services.mailings.mailing_content_copy_from_source); this module is
for what a press officer uploads in the admin. The sending path attaches every
MailingAttachment of a locale to each message of that locale.
"""

import mimetypes
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Length
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from outreach.models import Mailing, MailingAttachment
from outreach.services.mailings import EDITABLE_STATUSES

FILENAME_MAX = 255  # MailingAttachment.filename
FILENAME_FALLBACK = "attachment"
FALLBACK_MIMETYPE = "application/octet-stream"
# Gmail, Outlook and most corporate gateways reject a mail carrying one of these (or
# file it as malware), which would take the whole mailing to those recipients with it
# and hurt the sender's reputation. Programs and scripts: nothing a press office sends.
# Based on Gmail's published list of blocked file types, plus Unix shell scripts.
BLOCKED_EXTENSIONS = frozenset({
    "ade", "adp", "apk", "app", "appx", "appxbundle", "bat", "cab", "chm", "cmd", "com", "cpl", "dll", "dmg",
    "ex_", "exe", "hta", "ins", "iso", "isp", "jar", "jnlp", "js", "jse", "lib", "lnk", "mde", "mjs", "msc",
    "msi", "msix", "msixbundle", "msp", "mst", "nsh", "pif", "ps1", "reg", "scr", "sct", "sh", "shb", "sys",
    "vb", "vbe", "vbs", "vhd", "vxd", "ws", "wsc", "wsf", "wsh", "xll",
})


def attachment_filename_safe(filename: str) -> str:
    """The base name without path parts, control characters or line breaks, at most 255 characters, never empty.

    The name goes into a MIME header and onto the recipient's disk: a line break
    could forge headers, a path could point outside the download folder.
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    # Categories C* (controls, format, unassigned) and Zl/Zp (line and paragraph separators).
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C")
                   and unicodedata.category(ch) not in ("Zl", "Zp"))
    # Windows drops trailing dots and spaces, so "tool.exe." would arrive as "tool.exe".
    name = name.strip(" .")
    if not name:
        return FILENAME_FALLBACK
    if len(name) > FILENAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) < 20:
            name = stem[:FILENAME_MAX - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:FILENAME_MAX]
    return name


def attachment_mimetype(filename: str) -> str:
    """The MIME type for a file name; what the browser claims is not asked (it is whatever the client says)."""
    mimetype, encoding = mimetypes.guess_type(filename, strict=False)
    # "report.pdf.gz" guesses application/pdf with gzip encoding: calling it a PDF would make
    # mail programs open a gzip file as one.
    if mimetype is None or encoding is not None:
        return FALLBACK_MIMETYPE
    return mimetype


def attachment_max_bytes() -> int:
    return settings.MAIL_ATTACHMENT_MAX_BYTES


def attachment_problems(*, files: list[tuple[str, int]], existing_bytes: int = 0) -> list[str]:
    """What speaks against adding these files (name, size) to a language that already has existing_bytes.

    Pure: reads no rows, so a form can show the problems on its field before anything is saved.
    An empty list means they may be added.
    """
    problems = []
    for filename, size in files:
        name = attachment_filename_safe(filename)
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        if extension in BLOCKED_EXTENSIONS:
            problems.append(_("%(name)s: programs and scripts (.%(extension)s) cannot be attached; mail providers "
                              "block such mails as possible malware.") % {"name": name, "extension": extension})
        if size <= 0:
            problems.append(_("%(name)s is empty.") % {"name": name})
    total = existing_bytes + sum(size for _name, size in files)
    limit = attachment_max_bytes()
    if total > limit:
        problems.append(_("Together the attachments of one language would be %(total)s; at most %(limit)s are "
                          "possible, because many mail servers refuse larger mails.")
                        % {"total": filesizeformat(total), "limit": filesizeformat(limit)})
    return problems


def locale_attachment_bytes(*, mailing: Mailing, locale: str) -> int:
    """The size of a language's attachments together, counted in the database without loading them."""
    total = MailingAttachment.objects.filter(mailing=mailing, locale=locale).aggregate(
        total=Sum(Length("content")))["total"]
    return total or 0


def _editable_locked(mailing: Mailing) -> Mailing:
    # Under the row lock mailing_start takes too: an upload racing the start waits and then sees SENDING,
    # so no batch can go out with a file half-added.
    locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(_("This mailing is %(status)s and can no longer be changed.")
                              % {"status": locked.get_status_display()})
    return locked


@transaction.atomic
def mailing_attachment_add(*, mailing: Mailing, locale: str, filename: str, content: bytes) -> MailingAttachment:
    """Attach a file to every message of one language. Returns the new row.

    The file name is reduced to a safe base name; the MIME type is guessed from it.
    Raises ValidationError, and adds nothing, if the mailing has started, the language
    is unknown, the file is empty or of a blocked type, or the language's attachments
    would exceed MAIL_ATTACHMENT_MAX_BYTES together. Not idempotent: calling it twice
    attaches the file twice.
    """
    mailing = _editable_locked(mailing)
    if locale not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Unknown language: %(locale)s") % {"locale": locale})
    problems = attachment_problems(files=[(filename, len(content))],
                                   existing_bytes=locale_attachment_bytes(mailing=mailing, locale=locale))
    if problems:
        raise ValidationError(problems)
    name = attachment_filename_safe(filename)
    return MailingAttachment.objects.create(mailing=mailing, locale=locale, filename=name,
                                            mimetype=attachment_mimetype(name), content=content)


@transaction.atomic
def mailing_attachment_remove(*, mailing: Mailing, attachment_id: int) -> None:
    """Take a file off the mailing. Safe to call twice (a file already gone is no error).

    Raises ValidationError, and removes nothing, if the mailing has started.
    """
    mailing = _editable_locked(mailing)
    MailingAttachment.objects.filter(mailing=mailing, pk=attachment_id).delete()
