"""The sign-up API: the answer never tells whether an address is known; bad input gets a clear, harmless 400."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletters.models import Subscription, SubscriptionEvent
from outreach.models import Contact
from tests.newsletters.conftest import signup_payload

pytestmark = pytest.mark.django_db
URL = "/api/newsletters/subscriptions/"


@pytest.fixture
def run_tasks(eager, django_capture_on_commit_callbacks):
    """The request's queued tasks run when the request ends, as a worker would run them."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def post(client, payload, **extra):
    extra = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Mozilla/5.0 (Test)", **extra}
    return client.post(URL, payload, content_type="application/json", **extra)


def test_sign_up_is_pending_with_proof_and_no_contact(client, newsletter, consent_ids, run_tasks):
    with run_tasks():
        response = post(client, signup_payload(newsletter, consent_ids))
    assert response.status_code == 202, response.content
    subscription = Subscription.objects.get(newsletter=newsletter, email="neu@example.org")
    assert subscription.state == Subscription.State.PENDING
    assert subscription.contact is None  # a pending address is in no list, segment or export
    assert not Contact.objects.filter(email="neu@example.org").exists()
    assert subscription.consent_text_id == consent_ids()["consent_text"]
    signed_up, sent = subscription.events.order_by("id")
    assert (signed_up.kind, signed_up.ip_address, signed_up.user_agent, signed_up.form_url) == (
        SubscriptionEvent.Kind.SIGNED_UP, "198.51.100.7", "Mozilla/5.0 (Test)", "https://www.example.org/newsletter")
    assert sent.kind == SubscriptionEvent.Kind.CONFIRMATION_SENT and sent.data["to"] == "neu@example.org"


def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(client, newsletter, consent_ids,
                                                                          django_capture_on_commit_callbacks):
    subscribed = "jonas.weber@example.org"  # a confirmed demo subscriber
    assert Subscription.objects.get(newsletter=newsletter, email=subscribed).state == "confirmed"
    post(client, signup_payload(newsletter, consent_ids, email="vorher@example.org"))  # fills the catalogue
    answers, queries = [], []
    for email in ("fremd@example.org", subscribed):
        payload = signup_payload(newsletter, consent_ids, email=email)
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks() as queued:
            response = post(client, payload)
        answers.append((response.status_code, response.json(), len(queued)))
        queries.append([query["sql"].split(" VALUES ")[0] for query in captured])
    assert answers[0] == answers[1]
    # One INSERT into the queue and nothing else, so nothing that depends on the address: the same work,
    # so the same timing.
    assert queries[0] == queries[1]
    assert len(queries[0]) == 1 and queries[0][0].startswith('INSERT INTO "newsletters_queuedsignup"')
    assert not Subscription.objects.filter(email="fremd@example.org").exists()  # the worker records it


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "x" * 250 + "@example.org", "a b@example.org", ""])
def test_malformed_or_over_long_addresses_are_a_400_that_does_not_echo(client, newsletter, consent_ids, email):
    response = post(client, signup_payload(newsletter, consent_ids, email=email))
    assert response.status_code == 400
    assert "email" in response.json()
    assert not Subscription.objects.filter(email=email).exists()


def test_html_in_the_name_is_refused(client, newsletter, consent_ids):
    response = post(client, signup_payload(newsletter, consent_ids, name="<script>alert(1)</script>"))
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()
    assert not Subscription.objects.filter(email="neu@example.org").exists()


def test_a_non_public_newsletter_is_answered_like_a_missing_one(client, newsletter, consent_ids):
    newsletter.is_public = False
    newsletter.save()
    internal = post(client, signup_payload(newsletter, consent_ids)).json()
    payload = {**signup_payload(newsletter, consent_ids), "newsletter": "gibt-es-nicht"}
    missing = post(client, payload).json()
    assert internal == missing and "newsletter" in internal
    assert not Subscription.objects.filter(newsletter=newsletter, email="neu@example.org").exists()


def test_topics_not_offered_and_unknown_consent_texts_are_refused(client, newsletter, consent_ids):
    response = post(client, signup_payload(newsletter, consent_ids, topics=[2147483000], consent_text=2147483000))
    assert response.status_code == 400
    assert set(response.json()) >= {"topics", "consent_text"}


def test_the_honeypot_gets_the_same_answer_and_nothing_happens(client, newsletter, consent_ids, run_tasks):
    with run_tasks():
        response = post(client, signup_payload(newsletter, consent_ids, website="http://spam.example"))
    assert response.status_code == 202
    assert not Subscription.objects.filter(email="neu@example.org").exists()


def test_rate_limit_per_address_answers_429_with_retry_after(client, newsletter, consent_ids, settings):
    settings.NEWSLETTER_SIGNUP_RATE_ADDRESS = "2/hour"
    codes = [post(client, signup_payload(newsletter, consent_ids), REMOTE_ADDR=f"203.0.113.{n}").status_code
             for n in range(3)]
    assert codes == [202, 202, 429]
    response = post(client, signup_payload(newsletter, consent_ids, email="NEU@example.org"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_rate_limit_per_ip_stops_a_disposable_address_flood(client, newsletter, consent_ids, settings, run_tasks):
    settings.NEWSLETTER_SIGNUP_RATE_IP = "5/hour"
    with run_tasks():
        codes = [post(client, signup_payload(newsletter, consent_ids, email=f"wegwerf{n}@mailinator.com")).status_code
                 for n in range(8)]
    assert codes == [202] * 5 + [429] * 3
    assert Subscription.objects.filter(email__startswith="wegwerf").count() == 5


def test_newsletter_list_offers_topics_and_the_current_consent_texts(client, newsletter, consent_ids):
    response = client.get("/api/newsletters/?locale=en")
    assert response.status_code == 200
    body = response.json()
    item = next(i for i in body["items"] if i["slug"] == newsletter.slug)
    assert item["name"] == "Future of Industry" and item["languages"] == ["de", "en"]
    assert body["consent_text"]["id"] == consent_ids("en")["consent_text"]
    assert client.get("/api/newsletters/?locale=xx").status_code == 400


def test_cors_only_for_configured_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.example.org"]
    allowed = client.options(URL, HTTP_ORIGIN="https://www.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    other = client.options(URL, HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert allowed["Access-Control-Allow-Origin"] == "https://www.example.org"
    assert "Access-Control-Allow-Origin" not in other


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert {"/api/newsletters/", "/api/newsletters/subscriptions/", "/api/newsletters/confirm/",
            "/api/newsletters/preferences/{token}/", "/api/newsletters/preferences/{token}/unsubscribe/"} <= set(paths)
    assert "429" in paths["/api/newsletters/subscriptions/"]["post"]["responses"]


def test_the_checks_follow_changes_to_newsletters_topics_and_texts_at_once(client, newsletter, consent_ids, settings):
    """The sign-up checks against a cached catalogue; every change the admin can make is seen by the next request."""
    settings.NEWSLETTER_SIGNUP_RATE_ADDRESS = settings.NEWSLETTER_SIGNUP_RATE_IP = "1000/hour"
    from newsletters.services.consent import consent_text_create

    topic = newsletter.topics.first()
    assert post(client, signup_payload(newsletter, consent_ids, topics=[topic.pk])).status_code == 202
    newsletter.topics.remove(topic)
    assert "topics" in post(client, signup_payload(newsletter, consent_ids, topics=[topic.pk])).json()
    newsletter.topics.add(topic)
    assert post(client, signup_payload(newsletter, consent_ids, topics=[topic.pk])).status_code == 202

    newer = consent_text_create(kind="consent", language="de", text="Ja, ich möchte den Newsletter (Fassung 2).")
    assert post(client, signup_payload(newsletter, consent_ids, consent_text=newer.pk)).status_code == 202

    newsletter.is_public = False
    newsletter.save()
    assert "newsletter" in post(client, signup_payload(newsletter, consent_ids)).json()


def test_the_worker_records_only_topics_the_newsletter_still_offers(client, newsletter, consent_ids, run_tasks):
    """A topic withdrawn between the answer and the worker (a catalogue up to a minute old on another
    process) is not recorded as chosen."""
    from newsletters.services.signup_input import CATALOGUE_KEY
    from django.core.cache import cache

    kept, withdrawn = newsletter.topics.all()[:2]
    post(client, signup_payload(newsletter, consent_ids, email="vorher@example.org"))  # fills the catalogue
    stale = cache.get(CATALOGUE_KEY)
    newsletter.topics.remove(withdrawn)
    cache.set(CATALOGUE_KEY, stale)  # as another process still holding the old catalogue would answer
    with run_tasks():
        response = post(client, signup_payload(newsletter, consent_ids, topics=[kept.pk, withdrawn.pk]))
    assert response.status_code == 202
    subscription = Subscription.objects.get(newsletter=newsletter, email="neu@example.org")
    assert list(subscription.topics.values_list("pk", flat=True)) == [kept.pk]


def test_behind_the_trusted_proxy_the_limit_and_the_proof_take_the_address_the_proxy_saw(
        client, newsletter, consent_ids, settings, run_tasks):
    """The proxy appends the address it saw; what comes before it is the client's to write, and must
    neither open a fresh rate limit per request nor go into the proof."""
    settings.TRUSTED_PROXY = True
    settings.NEWSLETTER_SIGNUP_RATE_IP = "2/hour"
    statuses = []
    for number in range(3):
        forwarded = f"203.0.113.{number}, 198.51.100.99"  # a spoofed first entry, then our proxy's
        with run_tasks():
            statuses.append(post(client, signup_payload(newsletter, consent_ids, email=f"proxy{number}@example.org"),
                                 HTTP_X_FORWARDED_FOR=forwarded).status_code)
    assert statuses == [202, 202, 429]
    signed_up = SubscriptionEvent.objects.get(subscription__email="proxy0@example.org", kind="signed-up")
    assert signed_up.ip_address == "198.51.100.99"
