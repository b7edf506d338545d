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
from outreach.models import (
    Contact,
    ListMembership,
    Organisation,
    SuppressionEntry,
    email_hash,
)

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
    missing_tags: list = field(default_factory=list)
    needs_membership: bool = False


@dataclass
class BatchPlan:
    rows: list[RowPlan]
    unknown_organisations: dict[str, str]  # lower-cased name -> name as written, first seen in this batch


class Planner:
    """Plans batches of one file in order; remembers what earlier batches saw (addresses, organisations)."""

    def __init__(self, *, headers, column_mapping, target_list_id=None, import_tags=(), create_organisations=True):
        self.mapper = RowMapper(headers, column_mapping)
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
        new_unknown = self._resolve_organisations(valid)
        self._diff(valid)
        return BatchPlan(plans, new_unknown)

    def _validate(self, row: MappedRow) -> RowPlan:
        plan = RowPlan(row)
        if not row.raw_email:
            row.reject("missing_email", _("No e-mail address in this row."))
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

    def _resolve_organisations(self, plans: list[RowPlan]) -> dict[str, str]:
        if self.organisation_ids is None:
            self.load_organisations()
        new_unknown = {}
        for plan in plans:
            key = plan.row.organisation.lower()
            if not key or key in self.organisation_ids:
                plan.organisation_key = key
                continue
            if key not in self.unknown_organisations:
                self.unknown_organisations.add(key)
                new_unknown[key] = plan.row.organisation
                message = (_("Organisation %(name)r is not known yet; it will be created.") if self.create_organisations
                           else _("Organisation %(name)r is not known; the contact is imported without it."))
                plan.row.warn("unknown_organisation", message % {"name": plan.row.organisation})
            plan.organisation_key = key if self.create_organisations else ""
        return new_unknown

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
            plan.missing_tags = [name for name in tags if name not in tags_of.get(plan.contact_id, ())]
            plan.needs_membership = needs_membership and plan.contact_id not in members
            changed = plan.changed_fields or plan.missing_tags or plan.needs_membership
            plan.effect = UPDATED if changed else UNCHANGED
