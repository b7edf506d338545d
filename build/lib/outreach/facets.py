"""The contact's segment facets: profile kinds, beats and regions, denormalised onto the contact.

Segments test "has beat X", "covers region Y" and "is a journalist" on every
contact they count. Joined through the profile and link tables that costs
about half a second over a million contacts; read from one indexed column
(PostgreSQL GIN, jsonb_path_ops) it costs under a tenth. The link tables stay
the source of truth; these functions rebuild the column from them.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction

from outreach.models import Contact, JournalistProfile, ProtagonistProfile

JOURNALIST = "profile:journalist"
PROTAGONIST = "profile:protagonist"


def beat_facet(translation_key) -> str:
    return f"beat:{translation_key}"


def region_facet(translation_key) -> str:
    return f"region:{translation_key}"


def uses_facet_index() -> bool:
    """SQLite (the embedded default, with small data) evaluates segments through the link tables."""
    return connection.vendor == "postgresql"


def facets_for(contact_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(contact_ids)
    facets: dict[int, set[str]] = defaultdict(set)
    for contact_id in JournalistProfile.objects.filter(contact_id__in=ids).values_list("contact_id", flat=True):
        facets[contact_id].add(JOURNALIST)
    for contact_id in ProtagonistProfile.objects.filter(contact_id__in=ids).values_list("contact_id", flat=True):
        facets[contact_id].add(PROTAGONIST)
    beats = JournalistProfile.beats.through.objects.filter(journalistprofile_id__in=ids)
    for contact_id, key in beats.values_list("journalistprofile_id", "topic__translation_key"):
        facets[contact_id].add(beat_facet(key))
    for through, column in ((JournalistProfile.regions.through, "journalistprofile_id"),
                            (ProtagonistProfile.regions.through, "protagonistprofile_id")):
        rows = through.objects.filter(**{f"{column}__in": ids}).values_list(column, "regionpage__translation_key")
        for contact_id, key in rows:
            facets[contact_id].add(region_facet(key))
    return {contact_id: sorted(facets.get(contact_id, ())) for contact_id in ids}


@transaction.atomic
def contact_facets_refresh(*, contact_ids: Iterable[int]) -> int:
    """Rebuild the facets of these contacts from their profiles. Safe to call any time; returns the count."""
    computed = facets_for(contact_ids)
    contacts = [Contact(pk=contact_id, segment_facets=facets) for contact_id, facets in computed.items()]
    Contact.objects.bulk_update(contacts, ["segment_facets"], batch_size=1000)
    return len(contacts)


# The same facets as facets_for, in one statement: a million contacts in seconds rather than minutes.
REFRESH_ALL_SQL = """
UPDATE outreach_contact AS c SET segment_facets = COALESCE(f.facets, '[]'::jsonb)
FROM outreach_contact AS c2 LEFT JOIN (
    SELECT contact_id, jsonb_agg(DISTINCT facet ORDER BY facet) AS facets FROM (
        SELECT contact_id, %(journalist)s AS facet FROM outreach_journalistprofile
        UNION ALL SELECT contact_id, %(protagonist)s FROM outreach_protagonistprofile
        UNION ALL SELECT b.journalistprofile_id, 'beat:' || t.translation_key
            FROM outreach_journalistprofile_beats b JOIN cms_topic t ON t.id = b.topic_id
        UNION ALL SELECT r.journalistprofile_id, 'region:' || p.translation_key
            FROM outreach_journalistprofile_regions r JOIN wagtailcore_page p ON p.id = r.regionpage_id
        UNION ALL SELECT r.protagonistprofile_id, 'region:' || p.translation_key
            FROM outreach_protagonistprofile_regions r JOIN wagtailcore_page p ON p.id = r.regionpage_id
    ) AS facet_rows GROUP BY contact_id
) AS f ON f.contact_id = c2.id
WHERE c.id = c2.id AND c.segment_facets IS DISTINCT FROM COALESCE(f.facets, '[]'::jsonb)
"""


def contact_facets_refresh_all(*, chunk: int = 5000) -> int:
    """Rebuild every contact's facets (after bulk writes that bypass the signal handlers)."""
    if uses_facet_index():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(REFRESH_ALL_SQL, {"journalist": JOURNALIST, "protagonist": PROTAGONIST})
            return cursor.rowcount
    total = 0
    ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        total += contact_facets_refresh(contact_ids=ids[start:start + chunk])
    return total
