"""Which column holds what, and what a cell means as a contact field.

Header aliases cover the exports we meet: Mailchimp ("Email Address",
"First Name", "TAGS", "UNSUB_TIME"...), listmonk ("email", "name",
"attributes" as JSON, "status") and German Excel lists ("E-Mail", "Vorname",
"Nachname", "Anrede", "Firma"...). Headers are compared without case, spaces
or punctuation, so "E-Mail-Adresse", "email_address" and "Email Address" meet.
"""

import csv
import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.models import Contact

# Contact fields an import can set, with the label the mapping select shows.
FIELDS = {
    "email": gettext_lazy("E-mail"),
    "salutation": gettext_lazy("Salutation"),
    "academic_title": gettext_lazy("Academic title"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "full_name": gettext_lazy("Full name (split into first and last)"),
    "language": gettext_lazy("Language"),
    "organisation": gettext_lazy("Organisation"),
    "position": gettext_lazy("Position"),
    "phone": gettext_lazy("Phone"),
    "mobile": gettext_lazy("Mobile"),
    "tags": gettext_lazy("Tags"),
    "beats": gettext_lazy("Beats (journalist profile)"),
    "outlet": gettext_lazy("Outlet (journalist profile; organisation without a profile)"),
    "regions": gettext_lazy("Regions (profile)"),
    "function": gettext_lazy("Function (profile; position without a profile)"),
    "notes": gettext_lazy("Notes (on the timeline)"),
    "attributes": gettext_lazy("Attributes (listmonk JSON)"),
    "status": gettext_lazy("Subscription status (blocklisted rows are left out)"),
    "opted_out_at": gettext_lazy("Unsubscribed or cleaned at (such rows are left out)"),
}
# Fields stored as they are on Contact (the others are resolved by the planner or split here).
TEXT_FIELDS = ("academic_title", "first_name", "last_name", "position", "phone", "mobile")
CONTACT_FIELDS = TEXT_FIELDS + ("salutation", "language")
MAX_LENGTHS = {name: Contact._meta.get_field(name).max_length for name in TEXT_FIELDS}
MAX_LENGTHS["organisation"] = MAX_LENGTHS["outlet"] = 255
MAX_LENGTHS["function"] = 120  # the journalist profile's role, the shorter of role and function
MAX_NOTE_CHARS = 2000
# Columns that fill a journalist or protagonist profile (outreach.imports.profiles); without a profile chosen,
# outlet and function fall back to the contact's organisation and position, beats and regions are left out.
PROFILE_FIELDS = ("beats", "outlet", "regions", "function")
JOURNALIST, PROTAGONIST = "journalist", "protagonist"

ALIASES = {
    "email": ["email", "emailaddress", "emailadresse", "mail", "mailadresse", "emailadress"],
    "salutation": ["anrede", "salutation", "briefanrede"],
    "academic_title": ["titel", "akademischertitel", "academictitle", "akadgrad"],
    "first_name": ["firstname", "vorname", "fname", "givenname"],
    "last_name": ["lastname", "nachname", "lname", "surname", "familienname", "name2"],
    "full_name": ["name", "fullname", "vollstandigername", "vollständigername"],
    "language": ["sprache", "language", "lang", "locale", "korrespondenzsprache"],
    "organisation": ["firma", "organisation", "organization", "company", "unternehmen", "institution",
                     "arbeitgeber", "companyname"],
    "position": ["position", "jobtitle", "berufsbezeichnung"],
    "beats": ["ressort", "ressorts", "beat", "beats", "ressortbeat", "thema", "themen", "themengebiet", "fachgebiet",
              "topics"],
    "outlet": ["medium", "medien", "outlet", "mediumoutlet", "redaktion", "publikation", "publication", "zeitung",
               "sender"],
    "regions": ["ort", "region", "regionen", "ortregion", "regionort", "bundesland", "gebiet", "berichtsgebiet",
                "regions"],
    "function": ["funktion", "function", "role", "rolle"],
    "notes": ["bemerkung", "bemerkungen", "notiz", "notizen", "anmerkung", "anmerkungen", "kommentar", "notes",
              "note", "hinweis"],
    "phone": ["telefon", "phone", "phonenumber", "tel", "telefonnummer", "festnetz"],
    "mobile": ["mobil", "mobile", "handy", "mobiltelefon", "mobilnummer", "mobilephone", "cell"],
    "tags": ["tags", "schlagworte", "schlagwörter", "stichworte", "tag"],
    "attributes": ["attributes", "attribs"],
    "status": ["status"],
    "opted_out_at": ["unsubtime", "cleantime"],
}
_ALIAS_INDEX = {alias: name for name, aliases in ALIASES.items() for alias in aliases}

SALUTATIONS = {
    "herr": "mr", "hr": "mr", "mr": "mr", "mister": "mr", "männlich": "mr", "m": "mr", "male": "mr",
    "frau": "ms", "fr": "ms", "ms": "ms", "mrs": "ms", "miss": "ms", "weiblich": "ms", "w": "ms", "f": "ms",
    "female": "ms", "divers": "neutral", "d": "neutral", "neutral": "neutral", "x": "neutral",
}
LANGUAGES = {
    "de": "de", "deu": "de", "ger": "de", "german": "de", "deutsch": "de", "dede": "de", "deat": "de", "dech": "de",
    "en": "en", "eng": "en", "english": "en", "englisch": "en", "engb": "en", "enus": "en",
}
# listmonk's states for people who must not be written to again.
BLOCKED_STATUSES = {"blocklisted", "blacklisted", "unsubscribed", "cleaned", "abgemeldet", "gesperrt"}


def header_key(header: str) -> str:
    return re.sub(r"[^0-9a-zäöüß]+", "", header.lower())


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Header -> field for the headers we recognise; each field is used once, by its first column."""
    mapping, used = {}, set()
    for header in headers:
        name = _ALIAS_INDEX.get(header_key(header), "")
        if name in used:
            name = ""
        used.add(name)
        mapping[header] = name
    return mapping


@dataclass(slots=True)
class MappedRow:
    """A row's values by field. problems are (code, message, rejects the row?)."""

    row_number: int
    raw_email: str = ""
    values: dict = field(default_factory=dict)
    organisation: str = ""
    tags: list = field(default_factory=list)
    # Profile columns, as written: resolved to topics, regions and an outlet by the planner.
    # Tuples, not default_factory lists: most files have no profile columns, and a list per row for each was
    # measurable at 100,000 rows.
    beats: tuple | list = ()
    regions: tuple | list = ()
    outlet: str = ""
    function: str = ""
    note: str = ""
    problems: list = field(default_factory=list)
    # Kept by reject() rather than computed from problems: the planner asks several times for every row.
    is_rejected: bool = False

    def reject(self, code: str, message: str) -> None:
        self.problems.append((code, message, True))
        self.is_rejected = True

    def warn(self, code: str, message: str, done: str = "") -> None:
        """A note on a row that is imported; done is the same note in the past tense, for the finished import."""
        self.problems.append((code, message, False, done) if done else (code, message, False))


class RowMapper:
    """Turns the cells of one row into a MappedRow; built once per file from the column mapping."""

    def __init__(self, headers: list[str], column_mapping: dict[str, str], profile_kind: str = ""):
        self.profile_kind = profile_kind
        self.columns = [
            (index, column_mapping.get(header, "")) for index, header in enumerate(headers)
            if column_mapping.get(header, "") in FIELDS
        ]
        self.email_index = next((index for index, name in self.columns if name == "email"), None)
        self.languages: dict[str, str | None] = {}  # cell as written -> language code
        self.name_lists: dict[str, tuple] = {}  # a beats or regions cell as written -> its names

    def _language(self, value: str) -> str | None:
        # A file repeats a handful of spellings ("de", "Deutsch"...); header_key's regex once per spelling.
        if value not in self.languages:
            self.languages[value] = LANGUAGES.get(header_key(value))
        return self.languages[value]

    def email_only(self, cells: list[str]) -> str:
        return cells[self.email_index] if self.email_index is not None else ""

    def map(self, row_number: int, cells: list[str]) -> MappedRow:
        row = MappedRow(row_number)
        given: dict[str, str] = {}
        for index, name in self.columns:
            if cells[index]:
                given[name] = cells[index]
        if "attributes" in given:
            _merge_attributes(row, given)
        row.raw_email = given.get("email", "")
        if given.get("status", "").strip().lower() in BLOCKED_STATUSES or given.get("opted_out_at"):
            row.reject("opted_out", _("The source marks this person as unsubscribed or blocked; not imported."))
        if not self.profile_kind:
            if given.get("outlet"):
                given.setdefault("organisation", given["outlet"])
            if given.get("function"):
                given.setdefault("position", given["function"])
        if "full_name" in given:
            first, _sep, last = given["full_name"].strip().rpartition(" ")
            given.setdefault("first_name", first if first else "")
            given.setdefault("last_name", last)
        for name in TEXT_FIELDS:
            value = given.get(name, "")
            if not value:
                continue
            if len(value) > MAX_LENGTHS[name]:
                row.reject("too_long", _("%(field)s is longer than %(max)s characters.")
                           % {"field": FIELDS[name], "max": MAX_LENGTHS[name]})
            row.values[name] = value
        if given.get("salutation"):
            salutation = SALUTATIONS.get(given["salutation"].strip().lower().rstrip("."))
            if salutation:
                row.values["salutation"] = salutation
            else:
                row.warn("unknown_salutation", _("Salutation %(value)r is not known; left empty.")
                         % {"value": given["salutation"]})
        if given.get("language"):
            language = self._language(given["language"])
            if language:
                row.values["language"] = language
            else:
                row.warn("unknown_language", _("Language %(value)r is not known; German or English is kept.")
                         % {"value": given["language"]})
        organisation = given.get("organisation", "").strip()
        if len(organisation) > MAX_LENGTHS["organisation"]:
            row.reject("too_long", _("%(field)s is longer than %(max)s characters.")
                       % {"field": FIELDS["organisation"], "max": MAX_LENGTHS["organisation"]})
        row.organisation = organisation
        row.tags = split_tags(given.get("tags", ""))
        if given.get("notes"):
            row.note = given["notes"][:MAX_NOTE_CHARS]
        if self.profile_kind:
            self._profile(row, given)
        return row

    def _profile(self, row: MappedRow, given: dict) -> None:
        for name in ("outlet", "function"):
            value = given.get(name, "").strip()
            if len(value) > MAX_LENGTHS[name]:
                row.reject("too_long", _("%(field)s is longer than %(max)s characters.")
                           % {"field": FIELDS[name], "max": MAX_LENGTHS[name]})
            setattr(row, name, value)
        if self.profile_kind == PROTAGONIST:
            row.outlet = ""  # a protagonist speaks for the contact's organisation; outlets are journalists'
        if given.get("beats") and self.profile_kind == JOURNALIST:
            row.beats = self._names(given["beats"])
        if given.get("regions"):
            row.regions = self._names(given["regions"])

    def _names(self, value: str) -> tuple:
        # A file repeats a few dozen beats and regions: split each spelling once (a tuple, shared by its rows).
        if value not in self.name_lists:
            self.name_lists[value] = tuple(split_names(value))
        return self.name_lists[value]


def split_tags(value: str) -> list[str]:
    """Mailchimp writes "tag one","tag two"; spreadsheets use commas or semicolons."""
    if not value.strip():
        return []
    if '"' in value:
        parts = next(csv.reader([value], skipinitialspace=True))
    else:
        parts = re.split(r"[;,]", value)
    return sorted({part.strip()[:100] for part in parts if part.strip()})


def split_names(value: str) -> list[str]:
    """"Politik, Wirtschaft" or "Thüringen; Krefeld" or "Politik / Wirtschaft": several names in one cell."""
    return list(dict.fromkeys(part.strip() for part in re.split(r"[;,/|]", value) if part.strip()))


def _merge_attributes(row: MappedRow, given: dict) -> None:
    """listmonk keeps extra fields in a JSON object; known keys fill fields no column gave."""
    try:
        attributes = json.loads(given.pop("attributes"))
    except ValueError:
        row.warn("bad_attributes", _("The attributes are not valid JSON; they were ignored."))
        return
    if not isinstance(attributes, dict):
        return
    for key, value in attributes.items():
        name = _ALIAS_INDEX.get(header_key(str(key)))
        if name in FIELDS and name not in ("attributes", "email") and value not in (None, ""):
            if name == "tags" and isinstance(value, list):
                value = ",".join(str(item) for item in value)
            given.setdefault(name, str(value))
