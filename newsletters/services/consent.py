"""Consent texts and privacy notices: a change is always a new version, the old one stays readable."""

from django.db import transaction
from django.db.models import Max

from newsletters.models import ConsentText


@transaction.atomic
def consent_text_create(*, kind: str, language: str, text: str, url: str = "", actor=None) -> ConsentText:
    """The next version of this kind and language. Locks the existing versions so two editors saving at
    once get versions n and n+1, not an integrity error."""
    list(ConsentText.objects.select_for_update().filter(kind=kind, language=language).values_list("id", flat=True))
    latest = ConsentText.objects.filter(kind=kind, language=language).aggregate(Max("version"))["version__max"] or 0
    return ConsentText.objects.create(kind=kind, language=language, text=text.strip(), url=url, version=latest + 1,
                                      created_by=actor)
