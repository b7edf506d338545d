"""The door's reads and writes of what came back per recipient (re-exported by outreach.mailable).

An app that mails through the engine shows what came back of its own mailings (press: the response view
of a release) through these, never through Message or MessageEvent. The reads are
outreach.selectors_responses; each is one query whatever the number of recipients. Nothing here imports
models at load time: outreach.mailable is imported while apps are still loading.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ResponseTotals:
    """Figures of one or more mailings, each recipient counted once per kind: no person in them."""

    recipients: int = 0
    received: int = 0
    opened: int = 0
    clicked: int = 0
    replied: int = 0
    bounced: int = 0
    unsubscribed: int = 0


def recipient_responses(*, mailing_ids: list[int], show: str = "", follow_up_subject: str = "",
                        contact_ids: list[int] | None = None):
    """Recipients of these mailings with what came back, ordered by name: a lazy queryset to slice or
    paginate, then to turn into RecipientResponse rows with recipient_response_rows. show narrows it to one
    of RESPONSE_FILTERS ("replied", "not_replied", ...); follow_up_subject adds the due date of each
    recipient's open follow-up about it."""
    from outreach.selectors_responses import recipient_responses as select

    return select(mailing_ids=mailing_ids, show=show, follow_up_subject=follow_up_subject, contact_ids=contact_ids)


def recipient_response_rows(messages) -> list:
    """[RecipientResponse] of (a slice of) recipient_responses: name, address, organisation, status, and when
    it was sent, opened, clicked, replied (with the reply's text), bounced and unsubscribed."""
    from outreach.selectors_responses import recipient_response_rows as rows

    return rows(messages)


def response_filters() -> tuple[str, ...]:
    from outreach.selectors_responses import RESPONSE_FILTERS

    return RESPONSE_FILTERS


def response_totals(*, mailing_ids: list[int]) -> dict:
    """{mailing_id: ResponseTotals(recipients, received, opened, clicked, replied, bounced, unsubscribed)},
    each recipient counted once per kind; figures only, no person in them."""
    from outreach.selectors_responses import response_totals as totals

    return totals(mailing_ids=mailing_ids)


def follow_ups_create(*, contact_ids: list[int], title: str, due_on, owner=None, subject: str = "") -> int:
    """An open follow-up task (shown on the owner's dashboard when due) for each contact, about `subject`
    ("app_label.model:pk"). A reply to a mailing whose source or own reference is that subject closes it.
    Contacts with an open follow-up about it already are skipped. Returns how many were created."""
    from outreach.services.activity import follow_ups_create_many

    return follow_ups_create_many(contact_ids=contact_ids, title=title, due_on=due_on, owner=owner, subject=subject)

