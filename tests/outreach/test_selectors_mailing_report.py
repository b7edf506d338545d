"""mailing_report counted by the database: the numbers of a rich mailing worked out by hand, the same report
as the old count-everything-in-Python version, and a number of queries that does not grow with the mailing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.models import Mailing, Message, MessageEvent
from outreach.selectors_mailings import bounce_kind, mailing_report
from tests.outreach.report_reference import mailing_report_in_python

pytestmark = pytest.mark.django_db
Status = Message.Status
Kind = MessageEvent.Kind
BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2025, 3, 10, 9, 15, tzinfo=BERLIN)  # a Monday, far from any DST change
PROGRAMME = "https://example.org/programm"
SIGNUP = "https://example.org/anmeldung"
REPORT = "https://example.org/bericht"
MAX_QUERIES = 8


def at(hours=0, minutes=0) -> datetime:
    return START + timedelta(hours=hours, minutes=minutes)


def message(mailing, name, status=Status.ACCEPTED, sent_at=None) -> Message:
    return Message.objects.create(mailing=mailing, email=f"{name}@example.org", locale="de", status=status,
                                  sent_at=sent_at)


def event(message, kind, moment, **data):
    MessageEvent.objects.create(message=message, kind=kind, occurred_at=moment, data=data)


@pytest.fixture
def rich_mailing():
    """Ten messages in every status, with what comes back after a mailing (times in Berlin, 10 March 2025)."""
    mailing = Mailing.objects.create(title="Industriedialog Krefeld", status=Mailing.Status.SENT)
    m = {name: message(mailing, name, sent_at=sent) for name, sent in (
        ("anna", at()), ("ben", at()), ("cem", at(minutes=5)), ("dora", at(1)), ("emil", at(1)))}
    m["fritz"] = message(mailing, "fritz", Status.BOUNCED, sent_at=at())  # sent, but not delivered
    m["gina"] = message(mailing, "gina", Status.FAILED)
    m["hans"] = message(mailing, "hans", Status.CANCELLED)
    m["ida"] = message(mailing, "ida", Status.QUEUED)
    m["jan"] = message(mailing, "jan", Status.BOUNCED)  # bounced by status, no bounce event recorded

    event(m["anna"], Kind.DELIVERY, at(minutes=1))  # counted nowhere in the report
    # Opens: anna first at 10:25 (a prefetch at 09:45 and a reopen at 14:15 left out), ben at 09:35 (no
    # flag at all: a person), dora at 12:05; cem's mail was only ever fetched by Apple's proxy.
    event(m["anna"], Kind.OPEN, at(minutes=30), privacy_prefetch=True)
    event(m["anna"], Kind.OPEN, at(1, 10), privacy_prefetch=False)
    event(m["anna"], Kind.OPEN, at(5), privacy_prefetch=False)
    event(m["ben"], Kind.OPEN, at(minutes=20))
    event(m["ben"], Kind.OPEN, at(3), privacy_prefetch=False)
    event(m["cem"], Kind.OPEN, at(minutes=10), privacy_prefetch=True)
    event(m["cem"], Kind.OPEN, at(6), privacy_prefetch=True)
    event(m["dora"], Kind.OPEN, at(2, 50), privacy_prefetch=False)
    # Clicks: the programme three times by two people, the sign-up twice, the report twice from two
    # places in the mail (link 2, then link 3 most recently).
    event(m["ben"], Kind.CLICK, at(minutes=25), url=PROGRAMME, index=0)
    event(m["anna"], Kind.CLICK, at(1, 15), url=PROGRAMME, index=0)
    event(m["anna"], Kind.CLICK, at(1, 20), url=PROGRAMME, index=0)
    event(m["anna"], Kind.CLICK, at(2, 25), url=SIGNUP, index=1)
    event(m["dora"], Kind.CLICK, at(2, 55), url=SIGNUP, index=1)
    event(m["dora"], Kind.CLICK, at(2, 56), url=REPORT, index=2)
    event(m["cem"], Kind.CLICK, at(4, 5), url=REPORT, index=3)
    # Bounces: fritz hard; emil soft, then hard; ben hard, then soft; gina soft; dora of no known kind.
    event(m["fritz"], Kind.BOUNCE, at(minutes=5), type="Permanent")
    event(m["emil"], Kind.BOUNCE, at(1, 30), code=421, reply="try again later")
    event(m["emil"], Kind.BOUNCE, at(2), status="5.1.1")
    event(m["ben"], Kind.BOUNCE, at(3, 10), bounce_type="hard")
    event(m["ben"], Kind.BOUNCE, at(3, 20), status="4.2.2")
    event(m["gina"], Kind.BOUNCE, at(minutes=30), bounceType="Transient")
    event(m["dora"], Kind.BOUNCE, at(3), reason="mailbox unavailable")
    # Complaints and replies count every event; unsubscribes once per message.
    event(m["cem"], Kind.COMPLAINT, at(4, 10))
    event(m["cem"], Kind.COMPLAINT, at(4, 11))
    event(m["ben"], Kind.REPLY, at(1))
    event(m["ben"], Kind.REPLY, at(2))
    event(m["anna"], Kind.REPLY, at(2))
    event(m["anna"], Kind.UNSUBSCRIBE, at(2, 30))
    event(m["anna"], Kind.UNSUBSCRIBE, at(2, 31))
    event(m["dora"], Kind.UNSUBSCRIBE, at(3))
    return mailing


def bucket_rows(report) -> list[tuple]:
    return [(b.start.astimezone(BERLIN).strftime("%d. %H:%M"), b.delivered, b.opens, b.clicks) for b in report.buckets]


class MailingReportTests:
    def test_numbers_of_a_rich_mailing(self, rich_mailing):
        report = mailing_report(mailing=rich_mailing)
        assert (report.recipients, report.delivered, report.failed, report.cancelled) == (10, 5, 1, 1)
        # fritz, emil, ben, gina, dora by event, jan by status; hard: fritz, emil, ben; soft: gina.
        assert (report.bounced, report.bounced_hard, report.bounced_soft) == (6, 3, 1)
        assert (report.unique_opens, report.privacy_prefetches) == (3, 3)
        assert (report.clicks, report.unique_clickers) == (7, 4)
        assert (report.complaints, report.replies, report.unsubscribes) == (2, 3, 2)
        assert report.links == [
            {"url": PROGRAMME, "index": 0, "clicks": 3, "unique": 2},
            {"url": SIGNUP, "index": 1, "clicks": 2, "unique": 2},
            {"url": REPORT, "index": 3, "clicks": 2, "unique": 2},
        ]
        assert report.bucket_unit == "hour"
        # Sent 09:15-10:15; first opens 09:35, 10:25, 12:05; clicks until 13:20. The reopen at 14:15 and
        # the prefetch at 15:15 add no hours.
        assert bucket_rows(report) == [
            ("10. 09:00", 3, 1, 1), ("10. 10:00", 2, 1, 2), ("10. 11:00", 0, 0, 1),
            ("10. 12:00", 0, 1, 2), ("10. 13:00", 0, 0, 1),
        ]
        assert (report.open_rate, report.click_rate) == (60.0, 80.0)

    def test_days_once_the_span_exceeds_max_hours(self, rich_mailing):
        report = mailing_report(mailing=rich_mailing, max_hours=2)
        assert report.bucket_unit == "day"
        assert bucket_rows(report) == [("10. 00:00", 5, 3, 7)]

    @pytest.mark.parametrize("max_hours", [72, 2])
    def test_same_report_as_counting_in_python(self, rich_mailing, max_hours):
        assert mailing_report(mailing=rich_mailing, max_hours=max_hours) == mailing_report_in_python(
            mailing=rich_mailing, max_hours=max_hours)

    def test_the_hour_repeated_at_the_end_of_summer_time_is_one_bucket(self):
        """26 October 2025: 02:00-03:00 happens twice in Berlin. Both land in one bucket, as they did."""
        mailing = Mailing.objects.create(title="Zeitumstellung", status=Mailing.Status.SENT)
        utc = ZoneInfo("UTC")
        message(mailing, "sommer", sent_at=datetime(2025, 10, 26, 0, 30, tzinfo=utc))  # 02:30 summer time
        winter = message(mailing, "winter", sent_at=datetime(2025, 10, 26, 1, 30, tzinfo=utc))  # 02:30 winter time
        event(winter, Kind.CLICK, datetime(2025, 10, 26, 2, 10, tzinfo=utc), url=PROGRAMME, index=0)  # 03:10
        report = mailing_report(mailing=mailing)
        assert bucket_rows(report) == [("26. 02:00", 2, 0, 0), ("26. 03:00", 0, 0, 1)]
        assert report == mailing_report_in_python(mailing=mailing)

    def test_bounces_are_classified_like_bounce_kind(self):
        mailing = Mailing.objects.create(title="Bounces", status=Mailing.Status.SENT)
        payloads = [
            {"type": "Permanent"}, {"bounceType": "Transient"}, {"bounce_type": "HARD"},
            {"type": "Undetermined", "code": 550}, {"type": "other", "bounceType": "soft"},
            {"status": "", "code": "421"}, {"status": "5.1.1"}, {"status": "4.4.7", "code": 550},
            {"type": "permanent", "status": "4.0.0"}, {"bounce_type": "weird", "type": "transient"},
            {"code": 250}, {"type": 5}, {},
        ]
        kinds = [bounce_kind(payload) for payload in payloads]
        assert kinds == ["hard", "soft", "hard", "hard", "soft", "soft", "hard", "soft", "hard", "soft", "", "", ""]
        for number, payload in enumerate(payloads):
            event(message(mailing, f"b{number}"), Kind.BOUNCE, at(), **payload)
        report = mailing_report(mailing=mailing)
        assert (report.bounced, report.bounced_hard, report.bounced_soft) == (13, 5, 5)

    def test_an_empty_mailing(self):
        mailing = Mailing.objects.create(title="Entwurf")
        report = mailing_report(mailing=mailing)
        assert (report.recipients, report.bounced, report.links, report.buckets) == (0, 0, [], [])


def busy_mailing(size: int) -> Mailing:
    """size delivered messages, each opened (after a prefetch), clicked twice on two links, some bounced."""
    mailing = Mailing.objects.create(title=f"{size} recipients", status=Mailing.Status.SENT)
    messages = Message.objects.bulk_create([
        Message(mailing=mailing, email=f"r{n}@example.org", locale="de", status=Status.ACCEPTED,
                sent_at=at(minutes=n % 90)) for n in range(size)])
    events = []
    for n, item in enumerate(messages):
        events += [
            MessageEvent(message=item, kind=Kind.OPEN, occurred_at=at(1, n % 60), data={"privacy_prefetch": True}),
            MessageEvent(message=item, kind=Kind.OPEN, occurred_at=at(2, n % 60), data={"privacy_prefetch": False}),
            MessageEvent(message=item, kind=Kind.CLICK, occurred_at=at(3), data={"url": PROGRAMME, "index": 0}),
            MessageEvent(message=item, kind=Kind.CLICK, occurred_at=at(4), data={"url": f"{SIGNUP}/{n % 3}",
                                                                               "index": 1}),
            MessageEvent(message=item, kind=Kind.BOUNCE, occurred_at=at(5), data={"code": 421 if n % 2 else 550}),
            MessageEvent(message=item, kind=Kind.UNSUBSCRIBE, occurred_at=at(6)),
        ]
    MessageEvent.objects.bulk_create(events)
    return mailing


class MailingReportQueryTests:
    def test_the_number_of_queries_does_not_grow_with_the_mailing(self):
        counted = {}
        for size in (5, 50):
            mailing = busy_mailing(size)
            with CaptureQueriesContext(connection) as queries:
                report = mailing_report(mailing=mailing)
            counted[size] = len(queries)
            assert (report.delivered, report.unique_opens, report.clicks, report.unsubscribes) == (
                size, size, 2 * size, size)
            assert len(report.links) == 4 and report.links[0] == {"url": PROGRAMME, "index": 0, "clicks": size,
                                                                  "unique": size}
        assert counted[5] == counted[50] <= MAX_QUERIES
