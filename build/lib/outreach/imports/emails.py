"""normalise_email for a whole file: the same decisions and results, without redoing the domain for every row.

email-validator spends most of its 20-70 µs per address on the domain
(IDNA, UTS #46 per character, special-use names), yet a contact file has a
few hundred domains among a hundred thousand rows. email-validator has no
cache of its own, so this is the part we write by hand, and keep it small
by leaning on the library for every decision:

* The common address, a plain ASCII local part (email-validator's own
  DOT_ATOM_TEXT rule) before the first "@", is split exactly as
  email-validator splits it: no quotes, no angle brackets, nothing that can
  combine with the "@". Such a local part is valid and already normalised
  for email-validator, whatever the domain.
* The domain's verdict depends on the domain text alone, so the first
  address with a domain goes through normalise_email whole, and its result
  (normalised and IDNA ASCII domain) is remembered for the domain.
* The total length is checked on the same three forms email-validator checks.

Everything else (quoted or internationalised local parts, display names,
domains whose address failed, addresses near the length limit) goes through
normalise_email itself, so its messages stay the ones people see.
"""

from email_validator import validate_email
from email_validator.rfc_constants import DOT_ATOM_TEXT, EMAIL_MAX_LENGTH

from outreach.services.contacts import normalise_email

# A file with more distinct domains than this is not a contact list; past it, domains are not remembered.
MAX_DOMAINS = 50_000


class EmailNormaliser:
    """Callable like normalise_email; remembers each valid domain's normalised form for the file."""

    def __init__(self):
        # domain as written -> (normalised domain, UTF-8 length of the longest of its three forms)
        self.domains: dict[str, tuple[str, int]] = {}

    def __call__(self, raw: str) -> str:
        address = (raw or "").strip()
        local, at, domain = address.partition("@")
        known = self.domains.get(domain) if at else None
        if known is not None and DOT_ATOM_TEXT.match(local) and len(local) + 1 + known[1] <= EMAIL_MAX_LENGTH:
            return f"{local}@{known[0]}".lower()
        normalised = normalise_email(raw)  # raises ValidationError with the reason
        if at and DOT_ATOM_TEXT.match(local) and len(self.domains) < MAX_DOMAINS:
            self._remember(address, domain)
        return normalised

    def _remember(self, address: str, domain: str) -> None:
        # The domain forms are not on normalise_email's result, so ask email-validator once more (once per domain).
        result = validate_email(address, check_deliverability=False)
        longest = max(len(domain.encode()), len(result.domain.encode()), len(result.ascii_domain.encode()))
        self.domains[domain] = (result.domain, longest)
