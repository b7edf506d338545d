"""The press benchmark's moving parts: incompressible pictures, the press kit's zipfile baseline, memory
sampling of a worker, beat, and the data (a newsroom release, journalists with personal notes)."""

import io
import logging
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

from benchmarks.sendparts import REPO_ROOT, Worker, rss_kb

logger = logging.getLogger("benchmarks.press")


# --- Pictures and documents that do not compress -----------------------------------------------

def noisy_jpeg(target_bytes: int, *, seed: int) -> bytes:
    """A JPEG of random pixels of about target_bytes: noise is what a photo's detail looks like to a compressor."""
    from PIL import Image

    # At quality 92 noise takes about one byte per pixel.
    pixels = max(64 * 64, int(target_bytes / 0.98))
    width = max(64, int((pixels * 4 / 3) ** 0.5))
    height = max(48, pixels // width)
    image = Image.frombytes("RGB", (width, height), _random_bytes(width * height * 3, seed))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def noisy_png(target_bytes: int, *, seed: int) -> bytes:
    """A PNG of random pixels: about 3 bytes per pixel, as zlib cannot shrink noise."""
    from PIL import Image

    pixels = max(64 * 64, target_bytes // 3)
    width = max(64, int((pixels * 4 / 3) ** 0.5))
    height = max(48, pixels // width)
    image = Image.frombytes("RGB", (width, height), _random_bytes(width * height * 3, seed))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _random_bytes(size: int, seed: int) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


def noisy_pdf(target_bytes: int, *, seed: int) -> bytes:
    return b"%PDF-1.4\n" + _random_bytes(max(0, target_bytes - 9), seed)


# --- The baseline: Python's zipfile, stored, the same files to disk ---------------------------

def zipfile_baseline(*, files: list[tuple[str, Path]], texts: dict[str, str], target: Path) -> dict:
    """Write texts and files (arcname, path) into target with zipfile in stored mode; bytes and MB/s."""
    started = time.perf_counter()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for arcname, text in texts.items():
            archive.writestr(arcname, text.encode("utf-8"))
        for arcname, path in files:
            archive.write(path, arcname)
    seconds = time.perf_counter() - started
    size = target.stat().st_size
    target.unlink()
    return {"seconds": round(seconds, 3), "bytes": size, "mb_per_s": round(size / 1e6 / seconds, 1)}


# --- Memory --------------------------------------------------------------------------------------

class WorkerMemory(threading.Thread):
    """Samples the RSS of a worker's processes (main and pool children) every interval: the peak sum."""

    def __init__(self, worker: Worker, interval: float = 0.05):
        super().__init__(daemon=True)
        self.worker, self.interval = worker, interval
        self.peak_kb = 0
        self.stopped = threading.Event()

    def now_kb(self) -> int:
        return sum(rss_kb(pid) for pid in self.worker.pids())

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak_kb = max(self.peak_kb, self.now_kb())
            self.stopped.wait(self.interval)

    def finish(self) -> int:
        self.stopped.set()
        self.join()
        return self.peak_kb


# --- Beat ------------------------------------------------------------------------------------------

class Beat:
    """`celery -A cms beat` with the project's schedule (CELERY_BEAT_SCHEDULE), in its own process group."""

    def __init__(self, *, env: dict, log_dir: Path):
        self.env, self.log_path = env, log_dir / "beat.log"
        self.schedule_path = log_dir / "beat-schedule"
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        command = [sys.executable, "-m", "celery", "-A", "cms", "beat", "-l", "info",
                   "-s", str(self.schedule_path)]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=REPO_ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        logger.info("beat: pid %s", self.process.pid)
        return self

    def __exit__(self, *exc_info):
        if self.process is None or self.process.poll() is not None:
            return
        import signal

        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


# --- Data --------------------------------------------------------------------------------------------

def release_with_files(*, newsroom, images: int, image_bytes: int, documents: int, document_bytes: int,
                       slug: str):
    """A published release with `images` incompressible pictures (JPEG and PNG alternately) and documents.
    Publishing requests its kit (press.signal_handlers), as in the admin."""
    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile
    from wagtail.models import Collection

    from media.models import CreditedDocument, CreditedImage
    from press.models import PressContact, PressReleaseContact, PressReleaseDocument, PressReleaseImage, PressReleasePage

    collection = Collection.get_first_root_node()
    created_images = []
    for number in range(images):
        if number % 2:
            data, name = noisy_png(image_bytes, seed=number), f"pressefoto-{number:02d}.png"
        else:
            data, name = noisy_jpeg(image_bytes, seed=number), f"pressefoto-{number:02d}.jpg"
        # ImageFile: the field reads width and height from it as the admin's upload does.
        image = CreditedImage.objects.create(title=f"Pressefoto {number + 1}", collection=collection,
                                             credit="Foto: Benchmark", licence="press-use", alt_text="Rauschen",
                                             file=ImageFile(io.BytesIO(data), name=name), file_size=len(data))
        created_images.append(image)
    created_documents = []
    for number in range(documents):
        document = CreditedDocument(title=f"Hintergrund {number + 1}", collection=collection, licence="press-use")
        document.file.save(f"hintergrund-{number + 1}.pdf", ContentFile(noisy_pdf(document_bytes, seed=1000 + number)),
                           save=False)
        document.save()
        created_documents.append(document)
    release = PressReleasePage(title="Pressemappe im Benchmark", slug=slug, dateline="Berlin",
                               summary="Vierzig Bilder und fünf Dokumente.", locale=newsroom.locale)
    release.press_contacts = [PressReleaseContact(contact=PressContact.objects.order_by("pk").first())]
    release.images = [PressReleaseImage(image=image) for image in created_images]
    release.documents = [PressReleaseDocument(document=document) for document in created_documents]
    newsroom.add_child(instance=release)
    release.save_revision().publish()
    return PressReleasePage.objects.get(pk=release.pk)


def embargoed_release(*, newsroom, embargo, slug: str):
    from press.models import PressContact, PressReleaseContact, PressReleasePage

    release = PressReleasePage(title="Sperrfrist im Benchmark", slug=slug, dateline="Berlin", embargo_until=embargo,
                               locale=newsroom.locale)
    release.press_contacts = [PressReleaseContact(contact=PressContact.objects.order_by("pk").first())]
    newsroom.add_child(instance=release)
    release.save_revision().publish()  # scheduled: go_live_at = embargo
    return PressReleasePage.objects.get(pk=release.pk)


def journalists_with_notes(*, release, count: int, officer) -> "object":
    """count journalists on one list, a distribution of release to it, and a personal note for each."""
    from outreach.models import Contact, ContactList, JournalistProfile, ListMembership, email_hash
    from press.models import PitchNote
    from press.services.distributions import distribution_create, note_clean

    contact_list = ContactList.objects.create(name="Benchmark-Presseverteiler")
    first_names = ["Anna", "Jürgen", "Özlem", "Björn", "Marie", "Lukas", "Grete", "Hans-Peter"]
    last_names = ["Müller", "Schmidt", "Weiß", "Öztürk", "Groß", "Becker", "Lüdenscheidt", "Klein"]
    contacts = Contact.objects.bulk_create([
        Contact(email=f"redaktion{n}@zeitung{n % 50}.de", email_hash=email_hash(f"redaktion{n}@zeitung{n % 50}.de"),
                language="de", source="benchmark", salutation=("ms", "mr", "")[n % 3],
                first_name=first_names[n % 8], last_name=last_names[(n // 8) % 8], data_origin="public")
        for n in range(count)])
    JournalistProfile.objects.bulk_create([JournalistProfile(contact=c) for c in contacts])
    ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact=c) for c in contacts])
    distribution = distribution_create(release=release, officer=officer, lists=[contact_list])
    notes = []
    for contact in contacts:
        markup, text = note_clean(f"Liebe Frau {contact.last_name},\nwie besprochen vorab für Ihre Redaktion "
                                  f"<b>{contact.first_name}</b>: Ihre Leserinnen und Leser wird es interessieren.")
        notes.append(PitchNote(distribution=distribution, contact=contact, html=markup, text=text))
    PitchNote.objects.bulk_create(notes)
    return distribution
