"""Applying one batch of an import: contacts, organisations, tags, list entries, timeline
events and the import row's counters, in one transaction (outreach.services.imports runs it)."""

import datetime

from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from outreach.imports.copying import copy_rows
from outreach.imports.lookups import InArray
from outreach.imports.mapping import JOURNALIST
from outreach.imports.targets import import_target_attach_batch
from outreach.imports.planning import (
    EFFECTS,
    NEW,
    NOTE_SUMMARY_CHARS,
    REJECTED,
    UNCHANGED,
    UPDATED,
    BatchPlan,
    Planner,
)
from outreach.models import (
    ActivityEvent,
    Contact,
    ContactImport,
    JournalistProfile,
    ListMembership,
    Organisation,
    OrganisationKind,
    ProtagonistProfile,
)
from outreach.services.activity import activity_record_many
from outreach.services.audiences import list_add_contacts

MAX_STORED_PROBLEMS = 1000  # per import; the counts per reason cover every row
INSERT_CHUNK = 10_000  # rows per INSERT statement of bulk_create


def apply_batch(contact_import: ContactImport, planner: Planner, batch: list, *, offset: int) -> bool:
    """One transaction: the batch's contacts, organisations, tags, list entries, timeline events and the
    import row's counters. Returns False if resume_row shows another run has already committed this batch."""
    with transaction.atomic():
        _commit_without_waiting_for_the_disk()
        locked = ContactImport.objects.select_for_update().get(pk=contact_import.pk)
        if locked.resume_row != offset:
            return False
        plan = planner.plan(batch)
        _create_organisations(planner, plan)
        now = timezone.now()
        created = _create_contacts(contact_import, planner, plan, now)
        updated = _update_contacts(planner, plan, now)
        _add_tags(planner, plan)
        if planner.profiles is not None:
            _add_profiles(planner, plan)
        _add_notes(locked, plan, now)
        if contact_import.target_list_id and any(row.needs_membership for row in plan.rows):
            _add_to_list(locked, plan, created, now)
        import_target_attach_batch(locked, [row.contact_id for row in plan.rows if row.effect != REJECTED])
        activity_record_many(
            contact_ids=created + updated, kind=ActivityEvent.Kind.IMPORTED, actor=locked.created_by,
            summary=locked.original_filename, subject=f"outreach.contactimport:{locked.pk}",
        )
        tally = ProblemTally(stored=len(locked.problems), done=True)
        counts = dict.fromkeys(EFFECTS, 0)
        for row_plan in plan.rows:
            counts[row_plan.effect] += 1
            tally.add(row_plan)
        locked.problems = locked.problems + tally.problems + tally.warnings
        locked.created_count += counts[NEW]
        locked.updated_count += counts[UPDATED]
        locked.unchanged_count += counts[UNCHANGED]
        locked.rejected_count += counts[REJECTED]
        locked.warning_count += sum(tally.warning_counts.values())
        locked.resume_row = locked.processed_rows = offset + len(batch)
        locked.save(update_fields=["problems", "created_count", "updated_count", "unchanged_count", "rejected_count",
                                   "warning_count", "resume_row", "processed_rows"])
    return True


def _commit_without_waiting_for_the_disk() -> None:
    """PostgreSQL: this batch's commit returns before its WAL is flushed (SET LOCAL: this transaction only).

    Waiting for the flush of a 10,000-row batch (contacts, events, tags, list entries and their indexes)
    was a tenth of the batch's time. It loses nothing: the batch and resume_row commit together, so
    if PostgreSQL itself crashes in the moment before the flush, both are gone and the retried task
    applies the batch again; no row is applied twice and none is lost.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO off")


def _create_organisations(planner: Planner, plan: BatchPlan) -> None:
    if not (planner.create_organisations and plan.unknown_organisations):
        return
    # ignore_conflicts: another import may create the same organisation at the same moment (unique on lower(name)).
    Organisation.objects.bulk_create([
        Organisation(name=name, kind=OrganisationKind.OUTLET if key in plan.unknown_outlets else OrganisationKind.OTHER)
        for key, name in plan.unknown_organisations.items()
    ], ignore_conflicts=True)
    planner.load_organisations()


def _create_contacts(contact_import: ContactImport, planner: Planner, plan: BatchPlan, now) -> list[int]:
    rows = [row for row in plan.rows if row.effect == NEW]
    if not rows:
        return []
    defaults = contact_defaults(contact_import)
    values = [
        {"email": row.email, "email_hash": row.email_hash, "created_by_id": contact_import.created_by_id,
         "organisation_id": planner.organisation_ids.get(row.organisation_key), "created_at": now, "updated_at": now,
         **defaults, **row.row.values}
        for row in rows
    ]
    if planner.profiles is not None:
        # Inserted with their segment facets, so beat and region segments find them without a refresh.
        for value, row in zip(values, rows):
            value["segment_facets"] = row.profile.facets
    ids = _insert_contacts(values)
    for row in rows:
        row.contact_id = ids[row.email]
    return [row.contact_id for row in rows]


def contact_defaults(contact_import: ContactImport) -> dict:
    """The GDPR fields every new contact of the import gets: legal basis with its proof, source, origin."""
    defaults = {"source": contact_import.source or contact_import.original_filename,
                "legal_basis_note": contact_import.legal_basis_note, "data_origin": contact_import.data_origin}
    if contact_import.legal_basis:
        defaults["legal_basis"] = contact_import.legal_basis
    if contact_import.legal_basis == Contact.LegalBasis.CONSENT:
        proof = [contact_import.legal_basis_note,
                 f"Einwilligung über: {contact_import.consent_source}" if contact_import.consent_source else "",
                 f"Nachweis: {contact_import.consent_reference}" if contact_import.consent_reference else "",
                 f"Nachweis-Dokument: Import #{contact_import.pk}" if contact_import.consent_document else ""]
        defaults["legal_basis_note"] = "\n".join(line for line in proof if line)
        defaults["consent_import_id"] = contact_import.pk
        if contact_import.consent_given_on:
            defaults["consent_given_at"] = timezone.make_aware(
                datetime.datetime.combine(contact_import.consent_given_on, datetime.time(12)))
    return defaults


def _insert_contacts(values: list[dict]) -> dict[str, int]:
    """Insert contacts, return address -> id.

    Through copy_rows (COPY on PostgreSQL): building ~25-field model instances
    and having bulk_create prepare each value was most of an import's time.
    Field defaults come from the model, so both paths store the same row.
    """
    fields = [f for f in Contact._meta.concrete_fields if not f.primary_key]
    defaults = [f.get_default() for f in fields]
    position = {f.attname: index for index, f in enumerate(fields)}
    rows = []
    for row in values:
        # The defaults' row with this row's values put in: a row names about half the ~30 columns.
        cells = defaults.copy()
        for name, value in row.items():
            cells[position[name]] = value
        rows.append(cells)
    if connection.vendor != "postgresql":
        copy_rows(Contact, [f.attname for f in fields], rows)
        return dict(Contact.objects.filter(InArray("email", [row["email"] for row in values]))
                    .order_by().values_list("email", "id"))
    # COPY returns no ids, and reading them back by address cost more than the COPY itself: the ids are
    # taken from the table's own sequence first (what an INSERT would have drawn) and copied with the rows.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [Contact._meta.db_table, Contact._meta.pk.column, len(rows)])
        ids = [found[0] for found in cursor.fetchall()]
    copy_rows(Contact, [Contact._meta.pk.attname, *(f.attname for f in fields)],
              [[pk, *cells] for pk, cells in zip(ids, rows)])
    return {row["email"]: pk for row, pk in zip(values, ids)}


def _update_contacts(planner: Planner, plan: BatchPlan, now) -> list[int]:
    rows = [row for row in plan.rows if row.effect == UPDATED]
    changed_fields = {"updated_at"}
    changed = []
    for row in rows:
        if not any(name not in ("notes", "profile") for name in row.changed_fields):
            continue
        # Built from the values the planner read, so the fields this row leaves alone keep them in bulk_update.
        contact = Contact(**row.stored, updated_at=now)
        for name in row.changed_fields:
            if name in ("notes", "profile"):
                continue  # not columns of the contact: _add_notes and _add_profiles write them
            if name == "organisation":
                contact.organisation_id = planner.organisation_ids.get(row.organisation_key)
                changed_fields.add("organisation_id")
            else:
                setattr(contact, name, row.row.values[name])
                changed_fields.add(name)
        changed.append(contact)
    if changed:
        Contact.objects.bulk_update(changed, sorted(changed_fields), batch_size=500)
    return [row.contact_id for row in rows]


def _add_tags(planner: Planner, plan: BatchPlan) -> None:
    wanted = {name for row in plan.rows for name in row.missing_tags}
    if not wanted:
        return
    tag_ids = dict(Tag.objects.filter(name__in=wanted).values_list("name", "id"))
    for name in sorted(wanted - set(tag_ids)):
        tag_ids[name] = Tag.objects.get_or_create(name=name)[0].id  # Tag.save() makes the unique slug
    content_type_id = planner.content_type.id
    # Contacts created in this transaction can have no tags yet, so their rows go by COPY; an existing
    # contact may be tagged by someone else meanwhile, so those keep ignore_conflicts.
    copy_rows(TaggedItem, ["content_type_id", "object_id", "tag_id"], [
        (content_type_id, row.contact_id, tag_ids[name])
        for row in plan.rows if row.effect == NEW for name in row.missing_tags
    ])
    TaggedItem.objects.bulk_create(
        [TaggedItem(content_type_id=content_type_id, object_id=row.contact_id, tag_id=tag_ids[name])
         for row in plan.rows if row.effect == UPDATED for name in row.missing_tags],
        batch_size=INSERT_CHUNK, ignore_conflicts=True,
    )


def _add_to_list(locked: ContactImport, plan: BatchPlan, created: list[int], now) -> None:
    """Put the batch's accepted contacts on the target list, with the timeline events list_add_contacts records.

    New contacts cannot be on the list yet, so they go by COPY; existing ones through list_add_contacts,
    which leaves alone those someone else put on the list meanwhile.
    """
    contact_list = locked.target_list
    copy_rows(ListMembership, ["contact_list_id", "contact_id", "added_at", "added_by_id"],
              [(contact_list.pk, contact_id, now, locked.created_by_id) for contact_id in created])
    activity_record_many(contact_ids=created, kind=ActivityEvent.Kind.ADDED_TO_LIST, actor=locked.created_by,
                         summary=contact_list.name, subject=f"outreach.contactlist:{contact_list.pk}")
    existing = [row.contact_id for row in plan.rows if row.needs_membership and row.effect != NEW]
    if existing:
        list_add_contacts(contact_list=contact_list, contact_ids=existing, actor=locked.created_by)


def _add_profiles(planner: Planner, plan: BatchPlan) -> None:
    """Journalist or protagonist profiles with their beats and regions. New contacts' go by COPY (nobody else
    can have made them); existing contacts' through the ORM, then their facets are rebuilt."""
    from outreach.facets import contact_facets_refresh

    is_journalist = planner.profiles.kind == JOURNALIST
    new = [row for row in plan.rows if row.effect == NEW]
    changed = [row for row in plan.rows if row.effect == UPDATED and row.profile.has_changes]
    for row in new + changed:
        if row.outlet_key:
            row.outlet_id = planner.organisation_ids.get(row.outlet_key)
    if is_journalist:
        model, owner = JournalistProfile, "journalistprofile_id"
        copy_rows(JournalistProfile, ["contact_id", "outlet_id", "role", "media_type", "languages"],
                  [(row.contact_id, row.outlet_id, row.row.function, "", []) for row in new])
        copy_rows(JournalistProfile.beats.through, [owner, "topic_id"],
                  [(row.contact_id, pk) for row in new for pk in row.profile.beat_ids])
        regions = JournalistProfile.regions.through
    else:
        model, owner = ProtagonistProfile, "protagonistprofile_id"
        copy_rows(ProtagonistProfile, ["contact_id", "organisation_id", "function", "kind"],
                  [(row.contact_id, planner.organisation_ids.get(row.organisation_key), row.row.function, "")
                   for row in new])
        regions = ProtagonistProfile.regions.through
    copy_rows(regions, [owner, "regionpage_id"], [(row.contact_id, pk) for row in new for pk in row.profile.region_ids])
    if not changed:
        return
    # Existing contacts: create missing profiles, set what the file gives, add the links they lack.
    scalar = "role" if is_journalist else "function"
    model.objects.bulk_create([model(contact_id=row.contact_id) for row in changed if row.profile.is_new],
                              ignore_conflicts=True)
    profiles = {profile.pk: profile for profile in model.objects.filter(pk__in=[row.contact_id for row in changed])}
    for row in changed:
        profile = profiles[row.contact_id]
        if row.row.function:
            setattr(profile, scalar, row.row.function)
        if is_journalist and row.outlet_id:
            profile.outlet_id = row.outlet_id
    model.objects.bulk_update(profiles.values(), [scalar, "outlet_id"] if is_journalist else [scalar])
    if is_journalist:
        JournalistProfile.beats.through.objects.bulk_create(
            [JournalistProfile.beats.through(journalistprofile_id=row.contact_id, topic_id=pk)
             for row in changed for pk in row.profile.missing_beats], ignore_conflicts=True)
    regions.objects.bulk_create([regions(**{owner: row.contact_id, "regionpage_id": pk})
                                 for row in changed for pk in row.profile.missing_regions], ignore_conflicts=True)
    contact_facets_refresh(contact_ids=[row.contact_id for row in changed])


def _add_notes(locked: ContactImport, plan: BatchPlan, now) -> None:
    """Bemerkung/Notes columns become notes on the contacts' timelines (once: the planner skips a note that
    is there already)."""
    rows = [row for row in plan.rows if row.row.note and (row.effect == NEW or "notes" in row.changed_fields)]
    if rows:
        copy_rows(ActivityEvent, ["contact_id", "kind", "actor_id", "summary", "subject", "occurred_at", "data"], [
            (row.contact_id, str(ActivityEvent.Kind.NOTE), locked.created_by_id, row.row.note[:NOTE_SUMMARY_CHARS],
             f"outreach.contactimport:{locked.pk}", now, {"text": row.row.note})
            for row in rows
        ])


# --- helpers -----------------------------------------------------------------------------------


class ProblemTally:
    """Counts per reason for every row; the first MAX_STORED_PROBLEMS problems kept with row and message."""

    def __init__(self, stored: int = 0, done: bool = False):
        self.done = done  # the import has run: notes that have a past tense use it
        self.counts: dict[str, int] = {}
        self.warning_counts: dict[str, int] = {}
        self.problems: list[dict] = []
        self.warnings: list[dict] = []
        self.stored = stored

    def add(self, row_plan) -> None:
        for code, message, rejects, *done in row_plan.row.problems:
            if self.done and done:
                message = done[0]
            (self.counts if rejects else self.warning_counts)[code] = (
                (self.counts if rejects else self.warning_counts).get(code, 0) + 1)
            if self.stored < MAX_STORED_PROBLEMS:
                self.stored += 1
                (self.problems if rejects else self.warnings).append({
                    "row": row_plan.row.row_number, "email": row_plan.email or row_plan.row.raw_email[:254],
                    "code": code, "message": str(message), "rejected": rejects,
                })
