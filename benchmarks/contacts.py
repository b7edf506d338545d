"""Benchmark of the contact import and of segment counting, on PostgreSQL.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks.contacts

It creates its own database (dialogdesk_bench_contacts_<pid>) next to the one
DATABASE_URL names, migrates it and loads the demo content (topics and
regions). Then:

1. import: writes a CSV of 100,000 rows (2 % bad rows, 5 % repeated
   addresses) and, in a separate worker process so its peak RSS is the
   import's own, runs contact_import_create + contact_import_preview +
   contact_import_run: the services the admin and the Celery task use, with
   all validation.
2. segment: fills 1,000,000 contacts with journalist profiles, beats and
   regions in SQL (set-up may take shortcuts; it is not measured), ANALYZEs,
   and times segment_count for beat + region + language + not hard-bounced,
   median of several runs.

Baselines from the same run: csv.reader alone over the same file, and a plain
COUNT(*) over all contacts. Exactly one JSON object goes to stdout; progress
goes to stderr. The database is dropped at the end, also on error.
"""

import argparse
import csv
import json
import logging
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

logger = logging.getLogger("benchmarks.contacts")

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_ROWS_PER_S = 10_000
TARGET_SEGMENT_MS = 200.0
TARGET_PEAK_RSS_MB = 300.0


class ThrowawayPostgres:
    """A fresh PostgreSQL database next to the one base_url names, dropped again on exit."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        if not parts.scheme.startswith("postgres"):
            raise SystemExit("benchmarks.contacts needs DATABASE_URL to point at PostgreSQL.")
        self.name = f"dialogdesk_bench_contacts_{os.getpid()}"
        self.admin_conninfo = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))
        self.url = urlunsplit((parts.scheme, parts.netloc, f"/{self.name}", parts.query, ""))

    def __enter__(self):
        import psycopg

        with psycopg.connect(self.admin_conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            connection.execute(f'CREATE DATABASE "{self.name}"')
        logger.info("created database %s", self.name)
        return self

    def __exit__(self, *exc_info):
        import psycopg

        with psycopg.connect(self.admin_conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        logger.info("dropped database %s", self.name)


PROFILE_HEADERS = ["Medium", "Ressort", "Ort"]


def write_csv(path: Path, *, rows: int, bad_share: float = 0.02, duplicate_share: float = 0.05, seed: int = 7,
              profiles: bool = False) -> dict:
    """A German-Excel-like file (semicolons, UTF-8 with BOM) with bad rows and repeated addresses mixed in.
    With profiles, also the journalist columns Medium, Ressort (one or two demo topics) and Ort (a demo region)."""
    rng = random.Random(seed)
    first_names = ["Anna", "Jürgen", "Özlem", "Björn", "Marie", "Lukas", "Grete", "Hans-Peter"]
    last_names = ["Müller", "Schmidt", "Weiß", "Öztürk", "Groß", "Becker", "Lüdenscheidt", "Klein"]
    organisations = [f"Zeitung {n}" for n in range(200)]
    counts = {"rows": rows, "bad": 0, "duplicates": 0}
    written: list[str] = []
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Anrede", "Vorname", "Nachname", "E-Mail", "Firma", "Position", "Telefon", "Sprache"]
                        + (PROFILE_HEADERS if profiles else []))
        beats = ["Industriedialog", "Akzeptanz der Industrie", "Arbeit der Zukunft", "Gute Praxis",
                 "Industriedialog, Arbeit der Zukunft"]
        regions = ["Thüringen", "Baden-Württemberg", "Krefeld", "Mittelrhein", "Nord-Westfalen", "Frankfurt am Main"]
        for number in range(rows):
            draw = rng.random()
            if draw < bad_share:
                email = rng.choice([f"kaputt{number}.example.org", f"kaputt{number}@", "", f"a b{number}@example.org"])
                counts["bad"] += 1
            elif draw < bad_share + duplicate_share and written:
                email = rng.choice(written).upper()
                counts["duplicates"] += 1
            else:
                email = f"person{number}@example{number % 50}.de"
                written.append(email)
            writer.writerow([
                rng.choice(["Herr", "Frau", ""]), rng.choice(first_names), rng.choice(last_names), email,
                rng.choice(organisations), "Redaktion", f"+49 30 {number:07d}", rng.choice(["de", "Deutsch", "en"]),
            ] + ([rng.choice(organisations), rng.choice(beats), rng.choice(regions)] if profiles else []))
    return counts


def csv_parse_rows_per_s(path: Path) -> float:
    started = time.perf_counter()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        count = sum(1 for _row in csv.reader(handle, delimiter=";"))
    return count / (time.perf_counter() - started)


def import_phase(csv_path: str, *, profiles: bool = False) -> dict:
    """Runs in its own process: the three services, timed; peak RSS of this process."""
    import django

    django.setup()
    from django.core.files import File

    from outreach.services.imports import contact_import_create, contact_import_preview, contact_import_run

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    with open(csv_path, "rb") as handle:
        contact_import = contact_import_create(file=File(handle, name="bench.csv"), user=None,
                                               legal_basis="legitimate-interest", tags="benchmark",
                                               legal_basis_note="Fachpresse", data_origin="trade-fair",
                                               profile_kind="journalist" if profiles else "")
    created_at = time.perf_counter()
    preview = contact_import_preview(contact_import=contact_import)
    previewed_at = time.perf_counter()
    contact_import = contact_import_run(import_id=contact_import.pk)
    finished_at = time.perf_counter()
    return {
        "status": contact_import.status,
        "total_rows": contact_import.total_rows,
        "create_seconds": round(created_at - started, 3),
        "preview_seconds": round(previewed_at - created_at, 3),
        "run_seconds": round(finished_at - previewed_at, 3),
        "import_seconds": round(finished_at - started, 3),
        "preview_counts": preview["counts"],
        "counts": {"new": contact_import.created_count, "updated": contact_import.updated_count,
                   "unchanged": contact_import.unchanged_count, "rejected": contact_import.rejected_count},
        "rejected_by_reason": preview["problem_counts"],
        "rss_after_django_setup_mb": round(rss_before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


FILL_SQL = [
    # Contacts: a fifth English, one in fifty hard-bounced; hashes as the model computes them.
    """
    INSERT INTO outreach_contact (email, email_hash, salutation, academic_title, first_name, last_name, language,
        position, phone, mobile, legal_basis, legal_basis_note, source, bounce_state, soft_bounce_count, is_stale,
        segment_facets, created_at, updated_at)
    SELECT e, encode(sha256(convert_to(e, 'UTF8')), 'hex'), '', '', 'Vor' || g, 'Nach' || g,
        CASE WHEN g %% 5 = 0 THEN 'en' ELSE 'de' END, '', '', '', 'legitimate-interest', '', 'benchmark',
        CASE WHEN g %% 50 = 0 THEN 'hard' ELSE 'ok' END, 0, false, '[]'::jsonb, now(), now()
    FROM (SELECT g, 'segment' || g || '@example.org' AS e FROM generate_series(1, %(contacts)s) g) s
    """,
    # Three in five contacts are journalists.
    """
    INSERT INTO outreach_journalistprofile (contact_id, role, media_type, languages)
    SELECT id, '', 'print', '[]'::jsonb FROM outreach_contact WHERE email LIKE 'segment%%' AND id %% 5 < 3
    """,
    # Only the profiles made here get beats and regions (with --profiles the import made some of its own).
    """
    CREATE TEMPORARY VIEW segment_profiles AS SELECT p.contact_id FROM outreach_journalistprofile p
    JOIN outreach_contact c ON c.id = p.contact_id WHERE c.email LIKE 'segment%%'
    """,
    # One or two beats each, one or two regions each.
    """
    INSERT INTO outreach_journalistprofile_beats (journalistprofile_id, topic_id)
    SELECT contact_id, (%(topics)s::int[])[1 + contact_id %% cardinality(%(topics)s::int[])] FROM segment_profiles
    UNION
    SELECT contact_id, (%(topics)s::int[])[1 + (contact_id / 7) %% cardinality(%(topics)s::int[])] FROM segment_profiles
    WHERE contact_id %% 3 = 0
    """,
    """
    INSERT INTO outreach_journalistprofile_regions (journalistprofile_id, regionpage_id)
    SELECT contact_id, (%(regions)s::int[])[1 + (contact_id / 3) %% cardinality(%(regions)s::int[])] FROM segment_profiles
    UNION
    SELECT contact_id, (%(regions)s::int[])[1 + (contact_id / 11) %% cardinality(%(regions)s::int[])] FROM segment_profiles
    WHERE contact_id %% 4 = 0
    """,
]


def segment_phase(*, contacts: int, runs: int) -> dict:
    from django.db import connection

    from cms.models import RegionPage, Topic
    from outreach.services.audiences import segment_count, segment_save

    topics = list(Topic.objects.filter(locale__language_code="de").order_by("id"))
    regions = list(RegionPage.objects.filter(locale__language_code="de").order_by("id"))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in FILL_SQL:
            cursor.execute(statement, {"contacts": contacts, "topics": [t.id for t in topics],
                                       "regions": [r.id for r in regions]})
    # The link tables were filled by SQL, past the signal handlers: rebuild the facet index as an operator would.
    from outreach.facets import contact_facets_refresh_all

    contact_facets_refresh_all()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    setup_seconds = time.perf_counter() - started
    logger.info("filled %s contacts in %.1f s", contacts, setup_seconds)
    segment = segment_save(name="Benchmark segment", rules={"match": "all", "conditions": [
        {"field": "beat", "op": "in", "value": [topics[0].slug]},
        {"field": "region", "op": "in", "value": [regions[0].slug]},
        {"field": "language", "op": "in", "value": ["de"]},
        {"field": "bounce_state", "op": "not_in", "value": ["hard"]},
    ]})

    def timed(function) -> tuple[float, object]:
        samples, result = [], None
        function()  # warm-up: plans and caches
        for _run in range(runs):
            began = time.perf_counter()
            result = function()
            samples.append((time.perf_counter() - began) * 1000)
        return statistics.median(samples), result

    segment_ms, matched = timed(lambda: segment_count(segment=segment))
    # PostgreSQL's JIT compiles every execution of this query anew (its cost estimate is high), which is
    # pure overhead for a sub-second count; measured once more without it to show what jit=off buys.
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    segment_no_jit_ms, _matched = timed(lambda: segment_count(segment=segment))
    with connection.cursor() as cursor:
        cursor.execute("RESET jit")

    def count_all():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM outreach_contact")
            return cursor.fetchone()[0]

    count_all_ms, total = timed(count_all)
    return {"segment_count_ms": round(segment_ms, 1), "segment_count_jit_off_ms": round(segment_no_jit_ms, 1),
            "segment_matched": matched, "contacts_total": total,
            "baseline_count_all_ms": round(count_all_ms, 1), "setup_seconds": round(setup_seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the imported CSV")
    parser.add_argument("--contacts", type=int, default=1_000_000, help="contacts for the segment count")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each count (median reported)")
    parser.add_argument("--profiles", action="store_true",
                        help="add Medium, Ressort and Ort columns and import the rows as journalists with profiles")
    parser.add_argument("--import-phase", metavar="CSV", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")

    if args.import_phase:  # the worker process of step 1
        print(json.dumps(import_phase(args.import_phase, profiles=args.profiles)))
        return

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with tempfile.TemporaryDirectory(prefix="dialogdesk-bench-contacts-") as var_dir, \
            ThrowawayPostgres(base_url) as database:
        env = dict(os.environ, DATABASE_URL=database.url, DIALOGDESK_VAR_DIR=var_dir, DEBUG="0",
                   DJANGO_SETTINGS_MODULE="cms.settings", ALLOWED_HOSTS="localhost",
                   SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only-" + os.urandom(16).hex()),
                   CELERY_BROKER_URL="filesystem://", CACHE_URL="locmemcache://bench", STATIC_MANIFEST="0")
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from cms.services.demo import demo_content_load

        call_command("migrate", verbosity=0, interactive=False)
        demo_content_load()
        connections.close_all()

        csv_path = Path(var_dir) / "contacts.csv"
        generated = write_csv(csv_path, rows=args.rows, profiles=args.profiles)
        parse_rows_per_s = csv_parse_rows_per_s(csv_path)
        logger.info("importing %s rows in a worker process", args.rows)
        completed = subprocess.run(
            [sys.executable, "-m", "benchmarks.contacts", "--import-phase", str(csv_path)]
            + (["--profiles"] if args.profiles else []),
            cwd=REPO_ROOT, env=env, check=True, stdout=subprocess.PIPE, timeout=1800,
        )
        imported = json.loads(completed.stdout.decode().strip().splitlines()[-1])
        run_rows_per_s = imported["total_rows"] / imported["run_seconds"]
        end_to_end_rows_per_s = imported["total_rows"] / imported["import_seconds"]

        logger.info("filling %s contacts for the segment count", args.contacts)
        segment = segment_phase(contacts=args.contacts, runs=args.runs)
        connections.close_all()

    result = {
        "benchmark": "contacts",
        "import": {
            "rows": args.rows, "profiles": args.profiles, "generated": generated, **imported,
            "rows_per_s": round(end_to_end_rows_per_s), "run_rows_per_s": round(run_rows_per_s),
            "baseline_csv_parse_rows_per_s": round(parse_rows_per_s),
        },
        "segment": {"contacts": args.contacts, "conditions": "beat + region + language + not hard-bounced",
                    **segment},
        "rows_per_s": round(end_to_end_rows_per_s),
        "import_seconds": imported["import_seconds"],
        "peak_rss_mb": imported["peak_rss_mb"],
        "segment_count_ms": segment["segment_count_ms"],
        "targets_met": {
            "import_rows_per_s": end_to_end_rows_per_s >= TARGET_ROWS_PER_S,
            "segment_count_ms": segment["segment_count_ms"] < TARGET_SEGMENT_MS,
            "peak_rss_mb": imported["peak_rss_mb"] < TARGET_PEAK_RSS_MB,
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
