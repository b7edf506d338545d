"""The segment rule builder: one row per condition (field, operator, values), no JSON to type.

Rules store ids and slugs (what outreach.segments evaluates); a press officer
reads and types names. The row form translates in both directions and says
in words what it could not match.
"""

from django import forms
from django.conf import settings
from django.utils import translation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outreach.models import ContactList, Organisation, OrganisationKind, Segment
from outreach.segments import FIELDS, validate_rules

OPERATORS = (("in", _("is one of")), ("not_in", _("is none of")), ("is", _("days (number)")))


def _topics():
    from cms.models import Topic
    from wagtail.models import Locale

    return Topic.objects.filter(locale=Locale.get_default())


def _regions():
    from cms.models import RegionPage
    from wagtail.models import Locale

    return RegionPage.objects.filter(locale=Locale.get_default())


def _lookup(field: str):
    """(value -> name, name -> value) for fields whose stored values a person cannot read."""
    if field == "beat":
        rows = [(t.slug, t.name) for t in _topics()]
    elif field == "region":
        rows = [(r.slug, r.title) for r in _regions()]
    elif field == "outlet":
        rows = [(o.pk, o.name) for o in Organisation.objects.filter(kind=OrganisationKind.OUTLET)]
    elif field == "organisation":
        rows = [(o.pk, o.name) for o in Organisation.objects.all()]
    elif field == "list":
        rows = [(cl.pk, cl.name) for cl in ContactList.objects.all()]
    elif FIELDS[field].choices:
        rows = [(key, str(label)) for key, label in FIELDS[field].choices]
    else:
        return None
    to_name = {str(value): name for value, name in rows}
    to_value = {}
    for value, name in rows:
        to_value[str(name).casefold()] = value
        to_value[str(value).casefold()] = value
    if FIELDS[field].choices:
        # A label typed in the other admin language means the same choice.
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for key, label in FIELDS[field].choices:
                    to_value.setdefault(str(label).casefold(), key)
    return to_name, to_value


def allowed_values_help() -> list[tuple[str, list[str]]]:
    """For the help box next to the builder: which names each field accepts."""
    help_rows = []
    for key, field in FIELDS.items():
        lookup = _lookup(key)
        if lookup is not None:
            help_rows.append((str(field.label), sorted(lookup[0].values(), key=str.casefold)))
    return help_rows


def field_choices() -> dict[str, list[str]]:
    """field -> the names a person can pick for it, for the editor's pick lists (segment-editor.js)."""
    choices = {}
    for key in FIELDS:
        lookup = _lookup(key)
        if lookup is not None:
            choices[key] = sorted({str(name) for name in lookup[0].values()}, key=str.casefold)
    return choices


def rules_from_data(data) -> dict:
    """The rules the editor's rows describe (the POST of the form), without the segment's name: what the live
    count evaluates. Raises ValidationError with a message for the first row it cannot read."""
    conditions = ConditionFormSet(data, prefix="conditions")
    if not conditions.is_valid():
        for row in conditions.forms:
            for name, errors in row.errors.items():
                label = row.fields[name].label if name in row.fields else ""
                raise ValidationError(f"{label}: {errors[0]}" if label else errors[0])
        raise ValidationError(conditions.non_form_errors() or _("The conditions cannot be read."))
    rules = {
        "match": data.get("match") if data.get("match") in ("all", "any") else "all",
        "conditions": [{"field": row["field"], "op": row["op"], "value": row["values"]}
                       for row in conditions.cleaned_data if row and row.get("field") and not row.get("DELETE")],
    }
    validate_rules(rules)
    return rules


class ConditionForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=[("", "---------")] + [(k, f.label) for k, f in FIELDS.items()],
                              required=False)
    op = forms.ChoiceField(label=_("Operator"), choices=OPERATORS, initial="in")
    value = forms.CharField(label=_("Values"), required=False, max_length=2000,
                            help_text=_("Names separated by commas, e.g. Thüringen, Baden-Württemberg."))

    def clean(self):
        cleaned = super().clean()
        field = cleaned.get("field")
        if not field:
            return cleaned
        if cleaned.get("op") not in FIELDS[field].ops:
            allowed = ", ".join(str(label) for key, label in OPERATORS if key in FIELDS[field].ops)
            self.add_error("op", _("For %(field)s choose: %(ops)s.") % {"field": FIELDS[field].label, "ops": allowed})
        names = [part.strip() for part in (cleaned.get("value") or "").split(",") if part.strip()]
        if not names:
            self.add_error("value", _("Give at least one value."))
            return cleaned
        lookup = _lookup(field)
        if lookup is None:
            cleaned["values"] = names
            return cleaned
        unknown = [name for name in names if name.casefold() not in lookup[1]]
        if unknown:
            self.add_error("value", _("Not known for %(field)s: %(names)s.")
                           % {"field": FIELDS[field].label, "names": ", ".join(unknown)})
        cleaned["values"] = [lookup[1][name.casefold()] for name in names if name.casefold() in lookup[1]]
        return cleaned


ConditionFormSet = forms.formset_factory(ConditionForm, extra=2, can_delete=True)


def rules_to_initial(rules: dict) -> list[dict]:
    rows = []
    for condition in (rules or {}).get("conditions", []):
        field = condition.get("field")
        if field not in FIELDS:
            continue
        lookup = _lookup(field)
        names = [lookup[0].get(str(v), str(v)) if lookup else str(v) for v in condition.get("value", [])]
        rows.append({"field": field, "op": condition.get("op", FIELDS[field].ops[0]), "value": ", ".join(names)})
    return rows


class SegmentForm(forms.ModelForm):
    match = forms.ChoiceField(label=_("Contacts must match"), widget=forms.RadioSelect, initial="all",
                              choices=(("all", _("all conditions")), ("any", _("at least one condition"))))

    class Meta:
        model = Segment
        fields = ["name", "description"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        rules = self.instance.rules if self.instance.pk else {}
        self.fields["match"].initial = rules.get("match", "all")
        self.conditions = ConditionFormSet(self.data or None, prefix="conditions", initial=rules_to_initial(rules))

    def is_valid(self):
        # Both run, so that every bad row gets its message in one round.
        form_valid = super().is_valid()
        return self.conditions.is_valid() and form_valid and self._rules_valid()

    def _rules_valid(self) -> bool:
        try:
            validate_rules(self.rules())
        except ValidationError as error:
            self.add_error(None, error)
            return False
        return True

    def rules(self) -> dict:
        conditions = [
            {"field": row["field"], "op": row["op"], "value": row["values"]}
            for row in self.conditions.cleaned_data
            if row and row.get("field") and not row.get("DELETE")
        ]
        return {"match": self.cleaned_data.get("match", "all"), "conditions": conditions}
