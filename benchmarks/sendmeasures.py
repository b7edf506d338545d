"""What benchmarks.send counts at the sink and in the database, and its smtplib replay (the baseline):
the measuring side, kept apart from the run (benchmarks.send) that sets the engine going."""

import smtplib
import threading
import time

from benchmarks.sendparts import MESSAGE_ID, CountingHandler

HOST = "127.0.0.1"
MAIL_DOMAIN = "mail.dialogdesk.test"


def message_counts(mailing_id: int) -> dict:
    from django.db.models import Count

    from outreach.models import Message

    rows = Message.objects.filter(mailing_id=mailing_id).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def count_losses(*, mailing_id: int, handler: CountingHandler) -> dict:
    from outreach.models import Message

    expected = set(Message.objects.filter(mailing_id=mailing_id).exclude(message_id="")
                   .values_list("message_id", flat=True))
    with handler.lock:
        seen = dict(handler.ids)
        without_id = handler.without_id
        per_connection = dict(handler.duplicate_peers)
        connections_seen = len(handler.peers)
    statuses = message_counts(mailing_id)
    missing_at_sink = len(expected - seen.keys())
    not_accepted = sum(n for status, n in statuses.items() if status != "accepted")
    return {
        "message_statuses": statuses,
        "expected_ids": len(expected),
        "received_unique": len(seen),
        "received_total": sum(seen.values()) + without_id,
        "duplicates": sum(n - 1 for n in seen.values() if n > 1),
        "losses": missing_at_sink + not_accepted,
        "missing_at_sink": missing_at_sink,
        "rows_not_accepted": not_accepted,
        "unexpected_at_sink": len(seen.keys() - expected) + without_id,
        # Duplicates by the connection (client port) that delivered the first copy: at most 1 each when
        # only messages in flight were repeated.
        "duplicates_per_connection": {"max": max(per_connection.values(), default=0),
                                      "connections_with_duplicates": len(per_connection),
                                      "connections_seen": connections_seen},
    }


def run_baseline(*, port: int, handler: CountingHandler, template: bytes, count: int, connections: int = 1) -> dict:
    """Plain smtplib replay: count messages of template's bytes, each with its own Message-ID, over
    `connections` connections at once (one thread each, sendmail() per message)."""
    match = MESSAGE_ID.search(template)
    if not match:
        raise RuntimeError("the sample message has no Message-ID")
    before, after = template[: match.start(1)], template[match.end(1):]
    options = [] if template.isascii() else ["BODY=8BITMIME"]
    handler.reset()
    errors = []

    def replay(lane: int) -> None:
        try:
            connection = smtplib.SMTP(HOST, port, timeout=30)
            try:
                connection.ehlo()
                for number in range(lane, count, connections):
                    connection.sendmail("bounces@dialogdesk.test", [f"baseline{number}@example.org"],
                                        before + f"<baseline.{number}@{MAIL_DOMAIN}>".encode() + after,
                                        mail_options=options)
            finally:
                connection.quit()
        except Exception as exc:  # noqa: BLE001 - reported in the JSON
            errors.append(repr(exc))

    started = time.monotonic()
    threads = [threading.Thread(target=replay, args=(lane,)) for lane in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    with handler.lock:
        unique = len(handler.ids)
    return {"seconds": round(seconds, 2), "messages": count, "connections": connections,
            "messages_per_s": round(count / seconds, 1), "received_unique": unique, "errors": errors[:3]}


def replay_count(*, recipients: int, latency_ms: float, connections: int, seconds: float = 20.0) -> int:
    """As many messages as the replay sends in about `seconds` at this latency (all of them without latency):
    one connection at 50 ms would need 1,000 s for 20,000."""
    if latency_ms <= 0:
        return recipients
    return max(min(recipients, 200), min(recipients, int(seconds * connections * 1000 / latency_ms)))


# --- Main ----------------------------------------------------------------------------------
