"""Press kits: requested on publish or by the press office, built by a worker, streamed into storage.

press_kit_request (in the request) works out the content hash and, unless a
kit of that content exists or is being built, adds a BUILDING row and queues
press_kit_build_task once the transaction has committed. press_kit_build
(in the worker) streams the ZIP (zipstream-ng, stored: pictures and PDFs do
not compress, and each file is read a chunk at a time) straight into the
private storage (press.models.kits.kit_storage), so neither the archive nor a whole file is ever held in
memory, then marks the row READY and drops older kits of the release.
"""

import io
import logging
import time

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from zipstream import ZIP_STORED, ZipStream

from cms.api.caching import content_changed
from press.models import PressKit, PressReleasePage
from press.services.kit_contents import kit_contents

logger = logging.getLogger(__name__)
KIT_FOLDER = "press-kits"
# Large enough that storage writes and S3 multipart parts are few; small enough to stay far below the
# memory budget of a worker (one buffer, plus S3's parts when the storage is S3).
WRITE_BUFFER = 4 * 1024 * 1024


@transaction.atomic
def press_kit_request(*, release: PressReleasePage) -> PressKit:
    """The kit of the release's current content: an existing one (READY or BUILDING), or a new BUILDING row
    whose build is queued after the commit. A FAILED kit of the same content is tried again. Safe to call
    twice: the content hash is unique per release."""
    contents = kit_contents(release=release, with_files=False)
    PressReleasePage.objects.select_for_update().filter(pk=release.pk).first()  # one request at a time per release
    kit = PressKit.objects.filter(release=release, content_hash=contents.content_hash).first()
    if kit is not None and kit.status != PressKit.Status.FAILED:
        if kit.status == PressKit.Status.READY and PressKit.objects.filter(
                release=release, created_at__gt=kit.created_at).exists():
            # Content went back to what an older kit holds: that one is the release's kit again.
            PressKit.objects.filter(pk=kit.pk).update(created_at=timezone.now())
            content_changed()
        return kit
    if kit is None:
        kit = PressKit.objects.create(release=release, content_hash=contents.content_hash)
    else:
        PressKit.objects.filter(pk=kit.pk).update(status=PressKit.Status.BUILDING, error="", created_at=timezone.now())
        kit.refresh_from_db()
    content_changed()  # the API says null while it is being built
    from press.tasks import press_kit_build_task

    transaction.on_commit(lambda: press_kit_build_task.delay(kit.pk))
    return kit


def press_kits_refresh_for_media(*, image=None, document=None) -> int:
    """Request the kit again for every live release that uses this image or document (a new credit, licence
    or file). Only kits whose content really changed are built. Returns how many releases were looked at."""
    releases = PressReleasePage.objects.live()
    if image is not None:
        releases = releases.filter(images__image=image)
    elif document is not None:
        releases = releases.filter(documents__document=document)
    else:
        return 0
    releases = list(releases.distinct())
    for release in releases:
        press_kit_request(release=release)
    return len(releases)


class _ChunkReader(io.RawIOBase):
    """A read-only, unseekable file over an iterator of bytes, for storages that read from a file."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            try:
                self._pending = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]  # a memoryview: the rest of a chunk is not copied again
        return size


class _StreamedArchive(File):
    """The archive as a Django File that is read once, from start to end.

    A storage that writes chunks (the local FileSystemStorage) gets the stream's own pieces: each file's
    1 MB reads, as they come, with no copy into a buffer. A storage that reads a file (S3's upload_fileobj)
    gets read() through a buffer of WRITE_BUFFER. Either way, never both, and never a seek back."""

    def __init__(self, stream):
        self._stream = iter(stream)
        self._started = False
        super().__init__(io.BufferedReader(_ChunkReader(self._stream), buffer_size=WRITE_BUFFER))

    def read(self, *args):
        self._started = True
        return self.file.read(*args)

    def seek(self, position, whence=io.SEEK_SET):
        # S3's upload seeks to the start before it reads; anywhere else would need what was streamed.
        if position != 0 or whence != io.SEEK_SET or self._started:
            raise io.UnsupportedOperation("a streamed archive is read once from the start")
        return 0

    def tell(self) -> int:
        return self.file.tell()

    def seekable(self) -> bool:
        return False

    def chunks(self, chunk_size=None):
        if self._started:
            raise io.UnsupportedOperation("a streamed archive is read once")
        self._started = True
        yield from self._stream


def kit_archive(contents) -> ZipStream:
    """The archive as a stream: texts first (small), then each file as its chunks come."""
    archive = ZipStream(compress_type=ZIP_STORED)
    for arcname, text in contents.texts.items():
        archive.add(text.encode("utf-8"), arcname)
    for kit_file in contents.files:
        archive.add(kit_file.chunks(), kit_file.arcname)
    return archive


def _kit_name(release: PressReleasePage, content_hash: str) -> str:
    return f"{KIT_FOLDER}/{release.pk}/{content_hash[:16]}/{release.slug}-pressemappe.zip"


def press_kit_build(*, kit_id: int) -> PressKit | None:
    """Build and store one kit. Safe to run twice: a READY kit is left alone. The stored content is what
    the release holds now; if that changed since the request, the row takes the new hash (and a row of
    that hash already there wins). Marks the row FAILED with the reason on any error, and re-raises."""
    kit = PressKit.objects.select_related("release").filter(pk=kit_id).first()
    if kit is None or kit.status == PressKit.Status.READY:
        return kit
    release = kit.release.specific
    started = time.monotonic()
    try:
        contents = kit_contents(release=release)
        gathered = time.monotonic()
        if contents.content_hash != kit.content_hash:
            if PressKit.objects.filter(release=release, content_hash=contents.content_hash).exclude(pk=kit.pk).exists():
                PressKit.objects.filter(pk=kit.pk).delete()
                return None
            kit.content_hash = contents.content_hash
        archive = _StreamedArchive(kit_archive(contents))
        storage = PressKit._meta.get_field("file").storage
        name = storage.save(_kit_name(release, contents.content_hash), archive)
        size = storage.size(name)
    except Exception as error:
        PressKit.objects.filter(pk=kit.pk).update(status=PressKit.Status.FAILED, error=str(error)[:500])
        logger.exception("press kit %s of release %s failed", kit.pk, release.pk)
        raise
    with transaction.atomic():
        PressKit.objects.filter(pk=kit.pk).update(status=PressKit.Status.READY, file=name, size=size,
                                                  content_hash=kit.content_hash, built_at=timezone.now(), error="")
        # Their files go once this commits (press.signal_handlers).
        PressKit.objects.filter(release=release, created_at__lt=kit.created_at).exclude(pk=kit.pk).delete()
        content_changed()
    kit.refresh_from_db()
    logger.info("press kit %s of release %s: %s bytes; contents %.2f s, archive %.2f s", kit.pk, release.pk,
                size, gathered - started, time.monotonic() - gathered)
    return kit
