"""What each row of a batch would do: new, updated, unchanged or rejected, and why. Reads, never writes.

The preview and the run share this, so the preview shows exactly what the
run will do. A batch costs a fixed handful of queries (suppression,
existing contacts, organisations, tags, list memberships), never one per row.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from taggit.models import TaggedItem

from outreach.imports.emails import EmailNormaliser
from outreach.imports.lookups import InArray
from outreach.imports.mapping import CONTACT_FIELDS, MappedRow, RowMapper
from outreach.imports.profiles import ProfilePlan, ProfileResolver
from outreach.models import (
    ActivityEvent,
    Contact,
    ListMembership,
    Organisation,
    SuppressionEntry,
    email_hash,
)

# What Excel leaves of a letter it could not store in the file's code page: "ömer.y?lmaz" for "ömer.yılmaz".
# A "?" is allowed in an address, but in a contact list it is this damage far more often than an address.
DAMAGE_MARKS = ("?", "\ufffd")

NOTE_SUMMARY_CHARS = 500  # a note's first characters are the timeline event's summary; the whole text is in its data
NEW, UPDATED, UNCHANGED, REJECTED = "new", "updated", "unchanged", "rejected"
EFFECTS = (NEW, UPDATED, UNCHANGED, REJECTED)


@dataclass(slots=True)
class RowPlan:
    row: MappedRow
    email: str = ""
    effect: str = REJECTED
    email_hash: str = ""
    contact_id: int | None = None  # the existing contact's, for updates; the new one's once created
    stored: dict | None = None  # the existing contact's values of the fields an import sets
    changed_fields: list = field(default_factory=list)
    organisation_key: str = ""  # lower-cased name; resolved to an id when applied
    outlet_key: str = ""  # the journalist profile's outlet, likewise
    outlet_id: int | None = None  # known before the batch is applied (existing contacts' diff)
    missing_tags: list = field(default_factory=list)
    needs_membership: bool = False
    profile: ProfilePlan | None = None  # when the import creates profiles


@dataclass
class BatchPlan:
    rows: list[RowPlan]
    unknown_organisations: dict[str, str]  # lower-cased name -> name as written, first seen in this batch
    unknown_outlets: set = field(default_factory=set)  # those of them to be created as media outlets


class Planner:
    """Plans batches of one file in order; remembers what earlier batches saw (addresses, organisations)."""

    def __init__(self, *, headers, column_mapping, target_list_id=None, import_tags=(), create_organisations=True,
                 profile_kind: str = ""):
        self.mapper = RowMapper(headers, column_mapping, profile_kind)
        self.profiles = ProfileResolver(profile_kind) if profile_kind else None
        self.outlet_keys: set[str] = set()
        self.target_list_id = target_list_id
        self.import_tags = list(import_tags)
        self.create_organisations = create_organisations
        self.normalise_email = EmailNormaliser()
        self.first_row_of: dict[str, int] = {}  # address -> row it first appeared in
        self.organisation_ids: dict[str, int] | None = None  # lower-cased name -> id, loaded on first use
        self.unknown_organisations: set[str] = set()
        self.content_type = ContentType.objects.get_for_model(Contact)

    def load_organisations(self) -> None:
        """All organisations, keyed in Python: SQLite's lower() folds only ASCII, so "ÖZ" and "öz" would not
        meet in SQL there. Organisations number in the thousands, not millions, so this stays small."""
        self.organisation_ids = {name.lower(): pk for pk, name in Organisation.objects.values_list("id", "name")}

    def skip(self, rows) -> None:
        """Rows a previous run committed: only remember their addresses, so duplicates are still found."""
        for row_number, cells in rows:
            try:
                email = self.normalise_email(self.mapper.email_only(cells))
            except ValidationError:
                continue
            self.first_row_of.setdefault(email, row_number)

    def plan(self, rows) -> BatchPlan:
        plans = [self._validate(self.mapper.map(row_number, cells)) for row_number, cells in rows]
        valid = [plan for plan in plans if not plan.row.is_rejected]
        self._reject_suppressed(valid)
        valid = [plan for plan in valid if not plan.row.is_rejected]
        new_unknown, new_outlets = self._resolve_organisations(valid)
        if self.profiles is not None:
            for plan in valid:
                plan.profile = self.profiles.resolve(plan.row)
        self._diff(valid)
        return BatchPlan(plans, new_unknown, new_outlets)

    def _validate(self, row: MappedRow) -> RowPlan:
        plan = RowPlan(row)
        if not row.raw_email:
            row.reject("missing_email", _("No e-mail address in this row."))
            return plan
        if DAMAGE_MARKS[0] in row.raw_email or DAMAGE_MARKS[1] in row.raw_email:
            row.reject("damaged_email", _("%(address)s looks damaged: a ? or a replacement character stands where a "
                                          "letter was, as Excel leaves ö or ı when it saves a CSV. Correct it in the "
                                          "file.")
                       % {"address": row.raw_email})
            return plan
        try:
            plan.email = self.normalise_email(row.raw_email)
        except ValidationError as exc:
            row.reject("invalid_email", exc.messages[0])
            return plan
        if row.is_rejected:
            return plan
        first = self.first_row_of.setdefault(plan.email, row.row_number)
        if first != row.row_number:
            row.reject("duplicate", _("%(address)s appears already in row %(row)s; only that row is imported.")
                       % {"address": plan.email, "row": first})
        return plan

    def _reject_suppressed(self, plans: list[RowPlan]) -> None:
        for plan in plans:
            plan.email_hash = email_hash(plan.email)
        by_hash = {plan.email_hash: plan for plan in plans}
        suppressed_hashes = (SuppressionEntry.objects.filter(InArray("email_hash", by_hash)).order_by()
                             .values_list("email_hash", flat=True))
        for suppressed in suppressed_hashes:
            by_hash[suppressed].row.reject(
                "suppressed",
                _("%(address)s is on the suppression list (objection, erasure, unsubscribe or bounce) "
                  "and must not be added again.") % {"address": by_hash[suppressed].email},
            )

    def _resolve_organisations(self, plans: list[RowPlan]) -> tuple[dict[str, str], set]:
        if self.organisation_ids is None:
            self.load_organisations()
        new_unknown, new_outlets = {}, set()
        known = self.organisation_ids
        for plan in plans:
            key = plan.row.organisation.lower()
            # The common case inline (a known organisation or none): one call less for each of 100,000 rows.
            plan.organisation_key = key if not key or key in known else self._organisation_key(
                plan.row, plan.row.organisation, new_unknown)
            if plan.row.outlet:
                plan.outlet_key = self._organisation_key(plan.row, plan.row.outlet, new_unknown, outlet=True)
                if plan.outlet_key in new_unknown and plan.outlet_key not in self.outlet_keys:
                    self.outlet_keys.add(plan.outlet_key)
                    new_outlets.add(plan.outlet_key)
                plan.outlet_id = self.organisation_ids.get(plan.outlet_key)
        return new_unknown, new_outlets

    def _organisation_key(self, row: MappedRow, name: str, new_unknown: dict, *, outlet: bool = False) -> str:
        key = name.lower()
        if not key or key in self.organisation_ids:
            return key
        if key not in self.unknown_organisations:
            self.unknown_organisations.add(key)
            new_unknown[key] = name
            if not self.create_organisations:
                row.warn("unknown_organisation", _("Organisation %(name)r is not known; the contact is imported "
                                                   "without it.") % {"name": name})
            elif outlet:
                row.warn("unknown_organisation", _("Outlet %(name)r is not known yet; it will be created.")
                         % {"name": name}, done=_("Outlet %(name)r was created.") % {"name": name})
            else:
                row.warn("unknown_organisation", _("Organisation %(name)r is not known yet; it will be created.")
                         % {"name": name}, done=_("Organisation %(name)r was created.") % {"name": name})
        return key if self.create_organisations else ""

    def _diff(self, plans: list[RowPlan]) -> None:
        # Plain values, not model instances: most rows of a large file are new or unchanged and need no object.
        columns = ("id", "email", "organisation_id", *CONTACT_FIELDS)
        existing = {
            values[1]: dict(zip(columns, values))
            for values in Contact.objects.filter(InArray("email", [plan.email for plan in plans]))
            .order_by().values_list(*columns)
        }
        ids = [stored["id"] for stored in existing.values()]
        wanted_tags = {name for plan in plans for name in plan.row.tags} | set(self.import_tags)
        tags_of: dict[int, set] = {}
        if ids and wanted_tags:
            for object_id, name in TaggedItem.objects.filter(
                InArray("object_id", ids), content_type=self.content_type, tag__name__in=wanted_tags
            ).values_list("object_id", "tag__name"):
                tags_of.setdefault(object_id, set()).add(name)
        members = set()
        if ids and self.target_list_id:
            members = set(ListMembership.objects.filter(InArray("contact_id", ids), contact_list_id=self.target_list_id)
                          .values_list("contact_id", flat=True))
        if self.profiles is not None:
            self.profiles.diff([(plan, existing[plan.email]["id"]) for plan in plans if plan.email in existing])
        noted = set()
        notes = {plan.row.note[:NOTE_SUMMARY_CHARS] for plan in plans if plan.row.note and plan.email in existing}
        if notes:
            # The same file imported twice adds each note once.
            noted = set(ActivityEvent.objects.filter(InArray("contact_id", ids), kind=ActivityEvent.Kind.NOTE,
                                                     summary__in=notes).values_list("contact_id", "summary"))
        import_tags = set(self.import_tags)
        default_tags = sorted(import_tags)  # shared by the rows without tags of their own; never changed
        needs_membership = bool(self.target_list_id)
        for plan in plans:
            tags = sorted(import_tags.union(plan.row.tags)) if plan.row.tags else default_tags
            stored = existing.get(plan.email)
            if stored is None:
                plan.effect, plan.missing_tags, plan.needs_membership = NEW, tags, needs_membership
                continue
            plan.contact_id, plan.stored = stored["id"], stored
            # Empty cells never erase what is stored: a sparse file must not wipe data kept by hand.
            plan.changed_fields = [name for name, value in plan.row.values.items() if stored[name] != value]
            if plan.organisation_key:
                # None: the organisation is still to be created, so it is a change in any case.
                organisation_id = self.organisation_ids.get(plan.organisation_key)
                if organisation_id is None or organisation_id != stored["organisation_id"]:
                    plan.changed_fields.append("organisation")
            if plan.row.note and (plan.contact_id, plan.row.note[:NOTE_SUMMARY_CHARS]) not in noted:
                plan.changed_fields.append("notes")
            if plan.profile is not None and plan.profile.has_changes:
                plan.changed_fields.append("profile")
            plan.missing_tags = [name for name in tags if name not in tags_of.get(plan.contact_id, ())]
            plan.needs_membership = needs_membership and plan.contact_id not in members
            changed = plan.changed_fields or plan.missing_tags or plan.needs_membership
            plan.effect = UPDATED if changed else UNCHANGED
