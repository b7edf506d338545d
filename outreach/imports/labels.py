"""What the import's codes mean, in words of the admin's language (the preview shows them)."""

from django.utils.translation import gettext_lazy as _

from outreach.imports.mapping import FIELDS
from outreach.imports.planning import NEW, REJECTED, UNCHANGED, UPDATED

PROBLEM_LABELS = {
    "missing_email": _("no e-mail address"),
    "invalid_email": _("invalid e-mail address"),
    "damaged_email": _("address probably damaged by Excel"),
    "unknown_beat": _("beat not known"),
    "unknown_region": _("region not known"),
    "duplicate": _("twice in the file"),
    "suppressed": _("on the suppression list"),
    "too_long": _("value too long"),
    "opted_out": _("unsubscribed in the source"),
    "unknown_salutation": _("unknown salutation"),
    "unknown_language": _("unknown language"),
    "unknown_organisation": _("organisation not known yet"),
    "bad_attributes": _("attributes not readable"),
}
EFFECT_LABELS = {NEW: _("new"), UPDATED: _("updated"), UNCHANGED: _("unchanged"), REJECTED: _("rejected")}


def problem_summary(problem_counts: dict) -> list[tuple[str, int]]:
    return [(str(PROBLEM_LABELS.get(code, code)), count) for code, count in problem_counts.items()]


def labelled_sample(sample: list[dict]) -> list[dict]:
    return [
        {**item, "effect_label": str(EFFECT_LABELS.get(item.get("effect"), item.get("effect", ""))),
         "field_labels": [str(FIELDS.get(name, name)) for name in item.get("fields", [])]}
        for item in sample
    ]
