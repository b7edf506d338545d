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

from outreach.imports.mapping import CONTACT_FIELDS, MappedRow, RowMapper
from outreach.models import Contact, ListMembership, Organisation, SuppressionEntry, email_hash
from outreach.services.contacts import normalise_email

NEW, UPDATED, UNCHANGED, REJECTED = "new", "updated", "unchanged", "rejected"
EFFECTS = (NEW, UPDATED, UNCHANGED, REJECTED)


@dataclass
class RowPlan:
    row: MappedRow
    email: str = ""
    effect: str = REJECTED
    contact: Contact | None = None  # the existing contact, for updates
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
                email = normalise_email(self.mapper.email_only(cells))
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
            plan.email = normalise_email(row.raw_email)
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
        by_hash = {email_hash(plan.email): plan for plan in plans}
        for suppressed in SuppressionEntry.objects.filter(email_hash__in=list(by_hash)).values_list("email_hash", flat=True):
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
        existing = {
            contact.email: contact
            for contact in Contact.objects.filter(email__in=[plan.email for plan in plans])
            .only("id", "email", "organisation_id", *CONTACT_FIELDS)
        }
        ids = [contact.id for contact in existing.values()]
        wanted_tags = {name for plan in plans for name in plan.row.tags} | set(self.import_tags)
        tags_of: dict[int, set] = {}
        if ids and wanted_tags:
            for object_id, name in TaggedItem.objects.filter(
                content_type=self.content_type, object_id__in=ids, tag__name__in=wanted_tags
            ).values_list("object_id", "tag__name"):
                tags_of.setdefault(object_id, set()).add(name)
        members = set()
        if ids and self.target_list_id:
            members = set(ListMembership.objects.filter(contact_list_id=self.target_list_id, contact_id__in=ids)
                          .values_list("contact_id", flat=True))
        for plan in plans:
            tags = sorted(set(plan.row.tags) | set(self.import_tags))
            contact = existing.get(plan.email)
            if contact is None:
                plan.effect, plan.missing_tags = NEW, tags
                plan.needs_membership = bool(self.target_list_id)
                continue
            plan.contact = contact
            # Empty cells never erase what is stored: a sparse file must not wipe data kept by hand.
            plan.changed_fields = [name for name, value in plan.row.values.items() if getattr(contact, name) != value]
            if plan.organisation_key:
                # None: the organisation is still to be created, so it is a change in any case.
                organisation_id = self.organisation_ids.get(plan.organisation_key)
                if organisation_id is None or organisation_id != contact.organisation_id:
                    plan.changed_fields.append("organisation")
            plan.missing_tags = [name for name in tags if name not in tags_of.get(contact.id, ())]
            plan.needs_membership = bool(self.target_list_id) and contact.id not in members
            changed = plan.changed_fields or plan.missing_tags or plan.needs_membership
            plan.effect = UPDATED if changed else UNCHANGED
