"""Writing the proof log (SubscriptionEvent): append-only, one row per thing that happened."""

import ipaddress
from dataclasses import dataclass

from django.utils import timezone

from newsletters.models import Subscription, SubscriptionEvent


@dataclass(frozen=True)
class RequestFacts:
    """Who asked, as the proof records it: the client's address and user agent and the form's URL."""

    ip_address: str = ""
    user_agent: str = ""
    form_url: str = ""

    def cleaned(self) -> dict:
        try:
            address = str(ipaddress.ip_address(self.ip_address.strip()))
        except ValueError:
            address = None
        return {"ip_address": address, "user_agent": self.user_agent[:400], "form_url": self.form_url[:500]}


NO_REQUEST = RequestFacts()


def subscription_event_record(*, subscription: Subscription, kind: str, facts: RequestFacts = NO_REQUEST,
                              actor=None, data: dict | None = None, occurred_at=None) -> SubscriptionEvent:
    return SubscriptionEvent.objects.create(
        subscription=subscription, kind=kind, occurred_at=occurred_at or timezone.now(), actor=actor,
        data=data or {}, **facts.cleaned(),
    )
