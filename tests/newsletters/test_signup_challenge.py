"""The optional proof-of-work challenge (ALTCHA) on sign-ups: off by default; when on, the API and the fallback
form accept a sign-up only with a solved, unexpired challenge signed by this site, and each solution once."""

import json
import re
from html import unescape

import altcha
import pytest
from django.core.exceptions import ValidationError

from newsletters.models import Subscription
from newsletters.services.challenge import challenge_create, challenge_verify
from tests.newsletters.altcha_solver import altcha_payload, altcha_solve
from tests.newsletters.conftest import signup_payload

pytestmark = pytest.mark.django_db
API = "/api/newsletters/subscriptions/"
CHALLENGE = "/api/newsletters/challenge/"


@pytest.fixture
def altcha_on(settings):
    settings.NEWSLETTER_ALTCHA = True
    settings.NEWSLETTER_ALTCHA_MAX_NUMBER = 2000  # a quick solve in tests; the work is the same kind
    return settings


def post(client, payload, ip="198.51.100.20"):
    return client.post(API, payload, content_type="application/json", REMOTE_ADDR=ip)


def test_a_solved_challenge_is_accepted_once(altcha_on):
    payload = altcha_solve(challenge_create())
    challenge_verify(payload)
    with pytest.raises(ValidationError):
        challenge_verify(payload)  # a replay


@pytest.mark.parametrize("spoil", ["wrong-number", "other-key", "expired", "garbage", "empty", "huge"])
def test_a_wrong_foreign_expired_or_garbled_solution_is_refused(altcha_on, spoil):
    challenge = challenge_create()
    if spoil == "wrong-number":
        solution = altcha.solve_challenge(challenge=challenge["challenge"], salt=challenge["salt"],
                                          algorithm=challenge["algorithm"], max_number=challenge["maxnumber"])
        payload = altcha_payload(challenge, number=solution.number + 1)
    elif spoil == "other-key":
        foreign = altcha.create_challenge(altcha.ChallengeOptions(hmac_key="someone-else", max_number=2000))
        payload = altcha_solve({"algorithm": foreign.algorithm, "challenge": foreign.challenge,
                                "maxnumber": foreign.max_number, "salt": foreign.salt, "signature": foreign.signature})
    elif spoil == "expired":
        altcha_on.NEWSLETTER_ALTCHA_EXPIRES = -5
        payload = altcha_solve(challenge_create())
    else:
        payload = {"garbage": "bm90IGpzb24=", "empty": "", "huge": "A" * 5000}[spoil]
    with pytest.raises(ValidationError, match="automated sign-ups"):
        challenge_verify(payload)


def test_off_by_default_the_api_needs_no_challenge_and_offers_none(client, newsletter, consent_ids, settings):
    assert settings.NEWSLETTER_ALTCHA is False
    assert client.get(CHALLENGE).status_code == 404
    assert post(client, signup_payload(newsletter, consent_ids)).status_code == 202


def test_when_on_the_api_wants_a_solved_challenge_once(client, newsletter, consent_ids, altcha_on, outbox):
    missing = post(client, signup_payload(newsletter, consent_ids))
    assert missing.status_code == 400 and "altcha" in missing.json()

    answer = client.get(CHALLENGE)
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    assert answer.json()["maxnumber"] == 2000
    payload = altcha_solve(answer.json())
    assert post(client, signup_payload(newsletter, consent_ids, altcha=payload)).status_code == 202
    replay = post(client, signup_payload(newsletter, consent_ids, email="zweite@example.org", altcha=payload))
    assert replay.status_code == 400 and "altcha" in replay.json()
    assert client.get(CHALLENGE).json()["challenge"] != answer.json()["challenge"]  # fresh each time


def _form_data(newsletter, consent_ids, **extra):
    return {"email": "formular@example.org", "name": "Frieda Form", "language": "de", "lang": "en", **consent_ids(),
            **extra}


def test_when_on_the_fallback_form_carries_the_self_hosted_widget_and_checks_it(client, newsletter, consent_ids,
                                                                               altcha_on, outbox,
                                                                               django_capture_on_commit_callbacks):
    url = f"/newsletter/{newsletter.slug}/"
    page = client.get(url)
    html = page.content.decode()
    assert "<altcha-widget" in html and 'src="/static/altcha/altcha.min.js"' in html
    assert "worker-src 'self' blob:" in page["Content-Security-Policy"]  # the widget's workers, nothing more
    assert re.search(r"https?://(?!testserver)", page["Content-Security-Policy"]) is None

    refused = client.post(url, _form_data(newsletter, consent_ids), REMOTE_ADDR="198.51.100.21")
    assert refused.status_code == 400
    assert "automated sign-ups" in refused.content.decode()

    challenge = json.loads(unescape(re.search(r'challengejson="([^"]+)"', html).group(1)))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        accepted = client.post(url, _form_data(newsletter, consent_ids, altcha=altcha_solve(challenge)),
                               REMOTE_ADDR="198.51.100.22")
    assert accepted.status_code == 200 and "check your mailbox" in accepted.content.decode()
    assert len(queued) == 1  # the sign-up is on its way to the worker


def test_off_the_fallback_form_has_no_script_at_all(client, newsletter):
    page = client.get(f"/newsletter/{newsletter.slug}/")
    assert "<script" not in page.content.decode()
    assert not Subscription.objects.filter(email="formular@example.org").exists()
