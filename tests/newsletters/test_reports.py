"""A newsletter's report: growth per ISO week from the proof log (known history, fixed query count), the SVG
chart and table in German, the issues sent with the engine's figures, and who may see it."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Subscription, SubscriptionEvent
from newsletters.selectors_reports import newsletter_growth
from newsletters.services.proof import subscription_event_record
from newsletters.services.roles import newsletter_roles_ensure
from tests.newsletters.issues import make_issue

pytestmark = pytest.mark.django_db
Kind = SubscriptionEvent.Kind


def this_monday():
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def at(monday, day=0, hour=10):
    return timezone.make_aware(datetime.combine(monday + timedelta(days=day), time(hour)))


def subscriber(newsletter, email, signed_up_at, *, confirmed_at=None, unsubscribed_at=None, nonce="n"):
    state = (Subscription.State.UNSUBSCRIBED if unsubscribed_at else
             Subscription.State.CONFIRMED if confirmed_at else Subscription.State.PENDING)
    subscription = Subscription.objects.create(newsletter=newsletter, email=email, signed_up_at=signed_up_at,
                                               state=state)
    subscription_event_record(subscription=subscription, kind=Kind.SIGNED_UP, occurred_at=signed_up_at,
                              data={"request": nonce})
    if confirmed_at:
        subscription_event_record(subscription=subscription, kind=Kind.CONFIRMED, occurred_at=confirmed_at,
                                  data={"request": nonce})
    if unsubscribed_at:
        subscription_event_record(subscription=subscription, kind=Kind.UNSUBSCRIBED, occurred_at=unsubscribed_at)
    return subscription


@pytest.fixture
def history(newsletter, demo_newsletters):
    """Two weeks ago: three sign-ups, one confirmed that week, one the next week, one never; last week the
    first one left. A sign-up to the other newsletter must not count."""
    week_a = this_monday() - timedelta(weeks=2)
    week_b = week_a + timedelta(weeks=1)
    subscriber(newsletter, "a@example.org", at(week_a, 0), confirmed_at=at(week_a, 0, 11),
               unsubscribed_at=at(week_b, 2), nonce="ra")
    # Sunday evening, confirmed Monday: the sign-up belongs to week A, the confirmation to week B.
    subscriber(newsletter, "b@example.org", at(week_a, 6, 22), confirmed_at=at(week_b, 0, 8), nonce="rb")
    subscriber(newsletter, "c@example.org", at(week_a, 3), nonce="rc")
    other = demo_newsletters["industriedialog-baden-wuerttemberg"]
    subscriber(other, "x@example.org", at(week_a, 1), confirmed_at=at(week_a, 1, 12), nonce="rx")
    return week_a, week_b


def test_growth_per_iso_week_for_a_known_history(newsletter, history):
    week_a, week_b = history
    weeks = newsletter_growth(newsletter=newsletter, weeks=4)
    assert [week.monday for week in weeks] == [week_a - timedelta(weeks=1), week_a, week_b, this_monday()]
    empty, a, b, now = weeks
    assert (a.sign_ups, a.sign_ups_confirmed, a.confirmations, a.unsubscribes, a.net_change) == (3, 2, 1, 0, 1)
    assert a.confirmation_rate == 66.7
    assert (b.sign_ups, b.confirmations, b.unsubscribes, b.net_change) == (0, 1, 1, 0)
    assert b.confirmation_rate is None
    assert (empty.sign_ups, empty.confirmations, empty.unsubscribes) == (0, 0, 0)
    # The demo subscribers signed up and confirmed just now.
    assert now.confirmations == Subscription.objects.filter(newsletter=newsletter, email__endswith="example.org",
                                                            confirmed_at__gte=at(this_monday())).count()
    assert a.iso_week == week_a.isocalendar().week


def test_sign_ups_the_purge_deleted_still_count_as_unconfirmed(newsletter, history):
    from newsletters.models import PurgedSignupCount
    from newsletters.services.signup import subscriptions_purge_unconfirmed

    week_a, _week_b = history
    assert subscriptions_purge_unconfirmed()["deleted"] == 1  # c@example.org, two weeks pending
    assert not Subscription.objects.filter(email="c@example.org").exists()
    assert PurgedSignupCount.objects.get(newsletter=newsletter, week=week_a).sign_ups == 1
    a = newsletter_growth(newsletter=newsletter, weeks=4)[1]
    assert (a.sign_ups, a.sign_ups_confirmed, a.confirmation_rate) == (3, 2, 66.7)
    # Purged again later (another sign-up of that week): the count grows, it is not replaced.
    subscriber(newsletter, "d@example.org", at(week_a, 4), nonce="rd")
    subscriptions_purge_unconfirmed()
    assert PurgedSignupCount.objects.get(newsletter=newsletter, week=week_a).sign_ups == 2
    assert newsletter_growth(newsletter=newsletter, weeks=4)[1].sign_ups == 4


def test_a_repeated_sign_up_is_rated_by_its_own_confirmation(newsletter):
    """The sign-up whose request was never confirmed stays unconfirmed, though an older one was confirmed."""
    week = this_monday()
    subscription = subscriber(newsletter, "twice@example.org", at(week, 0), confirmed_at=at(week, 0, 11), nonce="r1")
    subscription_event_record(subscription=subscription, kind=Kind.SIGNED_UP, occurred_at=at(week, 0, 12),
                              data={"request": "r2"})
    current = newsletter_growth(newsletter=newsletter, weeks=1, today=week)[0]
    demo = Subscription.objects.filter(newsletter=newsletter).exclude(email="twice@example.org").count()
    assert current.sign_ups == demo + 2 and current.sign_ups_confirmed == demo + 1


def test_the_number_of_queries_does_not_grow_with_subscribers(newsletter, history):
    with CaptureQueriesContext(connection) as few:
        newsletter_growth(newsletter=newsletter, weeks=26)
    week = this_monday()
    for n in range(40):
        subscriber(newsletter, f"many{n}@example.org", at(week, n % 5), confirmed_at=at(week, n % 5, 18),
                   unsubscribed_at=at(week, 6) if n % 4 == 0 else None, nonce=f"m{n}")
    with CaptureQueriesContext(connection) as many:
        weeks = newsletter_growth(newsletter=newsletter, weeks=26)
    assert len(many.captured_queries) == len(few.captured_queries) == 2
    assert weeks[-1].unsubscribes == 10


@pytest.fixture
def press_client(client, django_user_model, demo_newsletters):
    from outreach.services.roles import press_office_group_ensure

    user = django_user_model.objects.create_user("presse-report", "pr@example.org", "pw-for-tests-only")
    user.groups.add(newsletter_roles_ensure(), press_office_group_ensure())
    client.force_login(user)
    return client


def report_url(newsletter):
    return reverse("newsletters_newsletters:report", args=[newsletter.pk])


def test_the_report_shows_chart_and_table_in_german(press_client, newsletter, history):
    response = press_client.get(report_url(newsletter), HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    assert response.status_code == 200
    assert "66,7 %" in html and "Bestätigungsquote" in html
    week_a, _week_b = history
    row = re.search(rf'<tr data-week="{week_a:%Y-%m-%d}">(.*?)</tr>', html, re.S).group(1)
    assert [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", row)] == ["3", "1", "66,7 %", "0", "+1"]
    svg = re.search(r"<svg[^>]*data-growth-chart.*?</svg>", html, re.S).group(0)
    numbers = re.findall(r'\b(?:x|y|width|height|cx|cy|x1|x2|y1|y2)="([^"]*)"', svg)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?%?", value) for value in numbers), numbers
    points = re.search(r'points="([^"]*)"', svg).group(1)
    assert "," in points and all(re.fullmatch(r"\d+\.\d,-?\d+\.\d", pair) for pair in points.split())
    assert "<script" not in html.split("data-newsletter-report")[1].split("</section>")[0]


def test_the_report_lists_issues_sent_with_the_engines_figures(press_client, newsletter):
    from outreach.models import Mailing, Message, MessageEvent, SenderIdentity

    issue = make_issue(newsletter, body=[], title="Mai 2026")
    mailing = Mailing.objects.create(title="Zukunft der Industrie: Mai 2026",
                                     source=f"newsletters.newsletterissuepage:{issue.pk}",
                                     sender=SenderIdentity.objects.first(), status=Mailing.Status.SENT,
                                     started_at=timezone.now(), track_opens=True, track_clicks=True)
    Mailing.objects.create(title="Entwurf", source=f"newsletters.newsletterissuepage:{issue.pk}",
                           sender=SenderIdentity.objects.first())
    Mailing.objects.create(title="Fremd", source="newsletters.newsletterissuepage:999999",
                           sender=SenderIdentity.objects.first(), started_at=timezone.now())
    messages = [Message.objects.create(mailing=mailing, email=f"r{n}@example.org", locale="de",
                                       status=Message.Status.ACCEPTED, sent_at=timezone.now()) for n in range(4)]
    Message.objects.create(mailing=mailing, email="bad@example.org", locale="de", status=Message.Status.BOUNCED)
    for message in messages[:2]:
        MessageEvent.objects.create(message=message, kind=MessageEvent.Kind.OPEN, occurred_at=timezone.now(), data={})
    MessageEvent.objects.create(message=messages[0], kind=MessageEvent.Kind.CLICK, occurred_at=timezone.now(),
                                data={"url": "https://example.org/x"})
    MessageEvent.objects.create(message=messages[3], kind=MessageEvent.Kind.UNSUBSCRIBE, occurred_at=timezone.now(),
                                data={})
    response = press_client.get(report_url(newsletter), HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    rows = re.findall(r'<tr data-mailing="(\d+)">(.*?)</tr>', html, re.S)
    assert [int(pk) for pk, _row in rows] == [mailing.pk]
    cells = [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", rows[0][1], re.S)]
    # recipients, delivered, opens (rate of delivered), clicks, unsubscribes, bounces
    assert cells[3:9] == ["5", "4", "2 (50,0 %)", "1 (25,0 %)", "1", "1"]
    assert reverse("outreach_mailings:report", args=[mailing.pk]) in html


def test_the_newsletter_list_and_edit_page_lead_to_the_report(press_client, newsletter):
    listing = press_client.get(reverse("newsletters_newsletters:index"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f'href="{report_url(newsletter)}"' in listing and "Entwicklung und Ausgaben" in listing
    edit = press_client.get(reverse("newsletters_newsletters:edit", args=[newsletter.pk]))
    assert report_url(newsletter) in edit.content.decode()


def test_partners_and_editors_without_newsletter_rights_are_refused(client, django_user_model, newsletter):
    from cms.models import InitiativePage
    from cms.services.roles import editors_group_ensure, initiative_partner_group_ensure

    partner = django_user_model.objects.create_user("partner-nl", "pa@example.org", "pw-for-tests-only")
    partner.groups.add(initiative_partner_group_ensure(
        initiative=InitiativePage.objects.filter(locale__language_code="de").first()))
    editor = django_user_model.objects.create_user("red-report", "re@example.org", "pw-for-tests-only")
    editor.groups.add(editors_group_ensure())
    for user in (partner, editor):
        client.force_login(user)
        assert client.get(report_url(newsletter)).status_code in (302, 403)
        assert client.get(reverse("newsletters_newsletters:export", args=[newsletter.pk])).status_code in (302, 403)


def test_an_editor_given_newsletter_rights_reads_the_report_but_exports_nothing(client, django_user_model, newsletter):
    from django.contrib.auth.models import Permission

    from cms.services.roles import editors_group_ensure

    editor = django_user_model.objects.create_user("red-nl-rights", "rr@example.org", "pw-for-tests-only")
    editor.groups.add(editors_group_ensure())
    editor.user_permissions.add(Permission.objects.get(content_type__app_label="newsletters",
                                                       codename="view_newsletter"))
    client.force_login(editor)
    response = client.get(report_url(newsletter))
    assert response.status_code == 200
    export_url = reverse("newsletters_newsletters:export", args=[newsletter.pk])
    assert export_url not in response.content.decode()
    assert client.get(export_url).status_code in (302, 403)
