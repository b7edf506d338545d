"""The import's e-mail fast path decides and normalises exactly as normalise_email, cold or with domains remembered."""

import pytest
from django.core.exceptions import ValidationError

from outreach.imports.emails import EmailNormaliser
from outreach.services.contacts import normalise_email

LONG_LABEL = "x" * 63
IDN_DOMAIN = "müller-lüdenscheidt-straßenbahn-gesellschaft.de"  # much longer as IDNA ASCII than as written

ADDRESSES = [
    # plain, mixed case, blanks around, plus and apostrophe
    "anna@example.org", "Anna.Schmidt@Example.ORG", "  anna@example.org  ", "anna+presse@example.org",
    "o'brien@example.ie", "PostMaster@example.org", "ANNA@EXAMPLE.ORG",
    # umlaut domains, in Unicode and as IDNA ASCII, and full-width letters
    "info@müller.de", "INFO@MÜLLER.DE", "info@xn--mller-kva.de", "info@ＥＸＡＭＰＬＥ.org", f"presse@{IDN_DOMAIN}",
    # internationalised and decomposed local parts
    "jürgen@example.de", "Jürgen@Example.de", "ju\u0308rgen@example.de", "a\u0301@example.org",
    # quoted local parts and display names
    '"john doe"@example.org', '"john"@example.org', '"a@b"@example.org', "Anna <anna@example.org>",
    '"Anna Schmidt" <anna@example.org>',
    # dots in the wrong places
    "anna.@example.org", ".anna@example.org", "a..b@example.org", "anna@example.org.", "anna@.example.org",
    "anna@example..org",
    # labels and lengths around the limits
    f"a@{LONG_LABEL}.de", f"a@{LONG_LABEL}x.de", f"a@{LONG_LABEL}.{LONG_LABEL}.{LONG_LABEL}.{LONG_LABEL[:57]}.de",
    "a" * 64 + "@example.org", "a" * 65 + "@example.org",
    "a" * (254 - len("@example.org")) + "@example.org", "a" * (255 - len("@example.org")) + "@example.org",
    "a" * (254 - 1 - len(IDN_DOMAIN.encode())) + "@" + IDN_DOMAIN,
    # broken in other ways
    "", "   ", "anna", "anna@", "@example.org", "anna@@example.org", "anna@exa mple.org", "an na@example.org",
    "anna@localhost", "anna@example", "anna@example.test", "anna@example.invalid", "anna@[127.0.0.1]",
    "anna@-example.org", "anna@example-.org", "anna＠example.org", "anna@exa<mple.org", "anna@exam\u0338ple.org",
    "anna@example.org\u200b", "anna@ex_ample.org", "anna@123.456",
]


def outcome(normalise, address):
    try:
        return "ok", normalise(address)
    except ValidationError as exc:
        return "rejected", exc.messages


def test_the_list_has_valid_and_invalid_addresses():
    verdicts = {outcome(normalise_email, address)[0] for address in ADDRESSES}
    assert verdicts == {"ok", "rejected"}


@pytest.mark.parametrize("address", ADDRESSES)
def test_same_result_with_a_cold_cache(address):
    assert outcome(EmailNormaliser(), address) == outcome(normalise_email, address)


def test_same_results_once_every_domain_is_remembered():
    normaliser = EmailNormaliser()
    for address in ADDRESSES:  # a plain address for each domain first, so the fast path meets all the rest
        outcome(normaliser, "warm@" + address.strip().partition("@")[2])
    for address in ADDRESSES + ADDRESSES[::-1]:
        assert outcome(normaliser, address) == outcome(normalise_email, address), address
    assert normaliser.domains  # the fast path was really taken
