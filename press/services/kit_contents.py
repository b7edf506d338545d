"""What goes into a release's press kit, and the hash that says when it changed.

The kit holds, for each image of the release, the full-size picture and a
web-size one, each document as uploaded, credits.txt (title, credit, licence,
source and caption of each image; licence of each document) and the release
as plain text in its own language and every published translation
(release-de.txt, release-en.txt).

The "original" is Wagtail's full-size rendition, not the uploaded file: the
project never hands out originals (media.api), whose metadata may carry a
camera's GPS position; the pixels are the same.
"""

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import override

from cms.richtext import rich_text_to_api_html
from media.models import Licence
from outreach.rendering_text import html_to_text
from press.mailable import _as_mailed, _labels, embargo_line, release_mailable_locales

# Bump when the layout of the archive changes, so every kit is built again.
KIT_FORMAT = 1
ORIGINAL_FILTER = "original"
WEB_FILTER = "max-1200x1200"
CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class KitFile:
    """One stored file that goes into the archive under arcname."""

    arcname: str
    field_file: object = field(compare=False)
    size: int | None = None

    def chunks(self) -> Iterator[memoryview]:
        """The file a chunk at a time, opened only when the archive reaches it (one file open at a time).

        Every chunk is a view of one buffer, which the next chunk overwrites: the archive is written as it
        streams, so each chunk is gone before the next is read. A new 1 MB object per read costs a fresh
        allocation and its page faults, 230 times for a 230 MB kit."""
        buffer = bytearray(CHUNK_SIZE)
        view = memoryview(buffer)
        with self.field_file.open("rb") as handle:
            while size := handle.readinto(buffer):
                yield view[:size]


@dataclass
class KitContents:
    files: list[KitFile]
    texts: dict[str, str]  # arcname -> text
    content_hash: str


def _safe_name(name: str) -> str:
    base = os.path.basename(name or "")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-.") or "datei"


def _licence_label(value: str) -> str:
    return str(dict(Licence.choices).get(value, value))


def release_as_text(*, release, locale: str) -> str:
    """The release in one language as plain text: embargo (if ahead), headline, dateline, body, contacts,
    boilerplate."""
    page = release if release.locale.language_code == locale else release.get_translation(
        _locale(locale))
    page = _as_mailed(page.specific)
    labels = _labels(locale)
    with override(locale):
        date = date_format(page.release_date, "j. F Y" if locale == "de" else "j F Y")
    parts = []
    if page.is_under_embargo:
        parts.append(embargo_line(embargo=page.embargo_until, locale=locale))
    parts.append(f"{labels['kind']} · {date}")
    parts.append(page.title)
    if page.subtitle:
        parts.append(page.subtitle)
    if page.dateline:
        parts.append(f"{page.dateline}, {date}.")
    if page.summary:
        parts.append(page.summary)
    for block in page.body:
        if block.block_type == "text":
            parts.append(html_to_text(rich_text_to_api_html(block.value.source)).strip())
        elif block.block_type == "quote":
            who = ", ".join(p for p in (block.value.get("attribution"), block.value.get("role")) if p)
            parts.append(f"„{block.value['text']}“" + (f"\n– {who}" if who else ""))
    for item in page.press_contacts.select_related("contact"):
        contact = item.contact
        line = ", ".join(p for p in (contact.name, contact.function, contact.organisation) if p)
        extras = [f"{labels[key]} {value}" for key, value in (("phone", contact.phone), ("mobile", contact.mobile),
                                                              ("email", contact.email)) if value]
        parts.append(f"{labels['contact']}: " + " · ".join([line, *extras]))
    if page.boilerplate_id:
        parts.append(f"{page.boilerplate.heading}\n{html_to_text(rich_text_to_api_html(page.boilerplate.text)).strip()}")
    return "\n\n".join(part for part in parts if part) + "\n"


def _locale(code: str):
    from wagtail.models import Locale

    return Locale.objects.get(language_code=code)


def kit_contents(*, release, with_files: bool = True) -> KitContents:
    """What the kit of the release holds now, with its content hash.

    with_files=False gives the texts and the hash only, cheaply, for a request to decide whether a build
    is needed. With files it creates the missing renditions (full size and web size), which the worker does.
    """
    files: list[KitFile] = []
    credits = ["Bildnachweise / Image credits", ""]
    fingerprint: dict = {"format": KIT_FORMAT, "release": release.pk, "images": [], "documents": []}
    images = release.images.select_related("image").order_by("sort_order", "pk")
    if with_files:
        # Every image's renditions in one query, not two per image (Wagtail uses prefetched renditions).
        images = images.prefetch_related("image__renditions")
    for number, item in enumerate(images, start=1):
        image = item.image
        stem = f"{number:02d}-{_safe_name(os.path.splitext(image.filename)[0])}"
        if with_files:
            renditions = image.get_renditions(ORIGINAL_FILTER, WEB_FILTER)
            for folder, spec in (("original", ORIGINAL_FILTER), ("web", WEB_FILTER)):
                rendition = renditions[spec]
                files.append(KitFile(f"images/{folder}/{stem}{os.path.splitext(rendition.file.name)[1]}",
                                     rendition.file))
        credits += [
            f"{stem} (images/original, images/web)",
            f"  {image.title}",
            f"  Credit: {image.credit or '–'}",
            f"  Lizenz / Licence: {_licence_label(image.licence)}",
        ]
        if image.source_url:
            credits.append(f"  Quelle / Source: {image.source_url}")
        if item.caption:
            credits.append(f"  Bildunterschrift / Caption: {item.caption}")
        credits.append("")
        fingerprint["images"].append([image.pk, image.get_file_hash(), item.caption])
    documents = release.documents.select_related("document").order_by("sort_order", "pk")
    if documents:
        credits += ["Dokumente / Documents", ""]
    for number, item in enumerate(documents, start=1):
        document = item.document
        name = f"documents/{number:02d}-{_safe_name(document.filename)}"
        files.append(KitFile(name, document.file))
        credits += [name, f"  {document.title}", f"  Lizenz / Licence: {_licence_label(document.licence)}", ""]
        fingerprint["documents"].append([document.pk, document.get_file_hash(), name])
    texts = {f"release-{locale}.txt": release_as_text(release=release, locale=locale)
             for locale in release_mailable_locales(release=release)}
    texts["credits.txt"] = "\n".join(credits).rstrip() + "\n"
    # Titles, credits, licences and captions are in the texts; the files count by their own hash.
    fingerprint["texts"] = texts
    fingerprint["filters"] = [ORIGINAL_FILTER, WEB_FILTER]
    content_hash = hashlib.sha256(json.dumps(fingerprint, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return KitContents(files=files if with_files else [], texts=texts, content_hash=content_hash)
