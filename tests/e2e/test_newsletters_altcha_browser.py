"""The sign-up form's proof-of-work check (ALTCHA, when switched on) works in a real Chromium under the
site's Content-Security-Policy: the self-hosted widget solves its challenge when the form is sent, the
sign-up goes through, and nothing is refused by the policy or fetched from another host."""

import pytest

from newsletters.models import Newsletter, Subscription

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_person_signs_up_through_the_proof_of_work_check(browser, live_server, settings, monkeypatch, tmp_path):
    from cms.celery import app
    from newsletters.services.demo import demo_newsletters_load

    settings.NEWSLETTER_ALTCHA = True
    settings.NEWSLETTER_ALTCHA_MAX_NUMBER = 20_000
    monkeypatch.setitem(app.conf, "task_always_eager", True)  # the sign-up is recorded as the request ends
    settings.MAIL_BACKEND = "outbox"
    settings.MAIL_OUTBOX_DIR = str(tmp_path / "outbox")
    demo_newsletters_load()
    newsletter = Newsletter.objects.get(slug="zukunft-der-industrie")

    page = browser.new_page(locale="de-DE", viewport={"width": 390, "height": 844})
    page.set_default_timeout(15_000)
    refused, foreign = [], []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("request", lambda request: None if request.url.startswith((live_server.url, "data:", "blob:"))
            else foreign.append(request.url))

    page.goto(f"{live_server.url}/newsletter/{newsletter.slug}/")
    page.fill("#id_email", "browser-altcha@example.org")
    page.fill("#id_name", "Bea Browser")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Bitte sehen Sie in Ihr Postfach")

    assert Subscription.objects.filter(newsletter=newsletter, email="browser-altcha@example.org").exists()
    assert refused == [] and foreign == []
