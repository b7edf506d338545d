"""The import's batch lookup (column = ANY(...)) finds exactly the rows asked for, whatever the values hold."""

import pytest

from outreach.imports.lookups import InArray
from outreach.models import Contact
from tests.outreach.factories import ContactFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_addresses_ids_and_odd_values_find_their_rows():
    anna, ben, _other = (ContactFactory(email=email) for email in ("anna@example.org", "ben@example.org",
                                                                     "cem@example.org"))
    by_email = Contact.objects.filter(InArray("email", ["anna@example.org", "ben@example.org", "nobody@example.org"]))
    assert set(by_email.values_list("pk", flat=True)) == {anna.pk, ben.pk}
    assert set(Contact.objects.filter(InArray("id", [anna.pk, 999_999])).values_list("pk", flat=True)) == {anna.pk}
    # A value with a newline, a comma or a quote is still one value (it goes as an array then).
    odd = ["anna@example.org\nben@example.org", "a,b", "o'brien@example.org"]
    assert not Contact.objects.filter(InArray("email", odd)).exists()
    assert not Contact.objects.filter(InArray("email", [])).exists()
