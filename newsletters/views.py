"""Server-rendered fallback pages: sign-up form, confirmation, preference centre. German and English,
no JavaScript (but for the self-hosted ALTCHA widget where NEWSLETTER_ALTCHA switches it on), no inline
script or style (CSP), every input escaped by the templates.

They call the same services as the JSON API (newsletters.api.views) and share its rate limits.
"""

import json

from csp.decorators import csp_update
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from newsletters.api.throttles import SIGNUP_THROTTLES, LinkIPRateThrottle, throttle_wait
from newsletters.models import Newsletter
from newsletters.presentation import consent_texts_present, newsletter_present, subscription_present
from newsletters.services import challenge, preferences, signup, signup_queue
from newsletters.services.requests import email_clean, name_clean, request_facts
from newsletters.services.signup_input import signup_request_build
from newsletters.services.tokens import TokenInvalid

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def _language(request, default: str = "de") -> str:
    language = (request.POST.get("lang") or request.GET.get("lang") or default).split("-")[0]
    return language if language in LANGUAGE_NAMES else "de"


def _page(request, template: str, context: dict, *, language: str, status: int = 200) -> HttpResponse:
    other = "en" if language == "de" else "de"
    with translation.override(language):
        response = render(request, template, {
            "language": language, "languages": list(settings.LANGUAGES),
            "other_language": other, "other_language_name": LANGUAGE_NAMES[other],
            "other_language_url": f"{request.path}?{urlencode({'lang': other})}",
            **context,
        }, status=status)
    # Personal pages (tokens in the URL): never cached, and the token travels on as a Referer to no other
    # site. Not "no-referrer": under it a browser sends "Origin: null" with the page's own form posts, which
    # Django's CSRF check rightly refuses.
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request, wait: int, *, language: str) -> HttpResponse:
    with translation.override(language):
        response = HttpResponse(_("Too many requests. Please try again later."), status=429,
                                content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response


class SignupForm(forms.Form):
    email = forms.CharField(max_length=254)
    name = forms.CharField(max_length=120, required=False)
    language = forms.ChoiceField(choices=settings.LANGUAGES, required=False)
    topics = forms.TypedMultipleChoiceField(coerce=int, required=False)
    regions = forms.TypedMultipleChoiceField(coerce=int, required=False)
    consent_text = forms.IntegerField(min_value=1, max_value=2147483647)
    privacy_notice = forms.IntegerField(min_value=1, max_value=2147483647)
    website = forms.CharField(required=False, max_length=200)
    altcha = forms.CharField(required=False, max_length=challenge.PAYLOAD_MAX_LENGTH)

    def __init__(self, *args, newsletter: Newsletter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(pk, pk) for pk in newsletter.topics.values_list("pk", flat=True)]
        self.fields["regions"].choices = [(pk, pk) for pk in newsletter.regions.values_list("pk", flat=True)]

    def clean_email(self):
        return email_clean(self.cleaned_data["email"])

    def clean_name(self):
        return name_clean(self.cleaned_data.get("name", ""))

    def clean_altcha(self):
        if challenge.challenge_required():
            challenge.challenge_verify(self.cleaned_data.get("altcha", ""))
        return ""


# The ALTCHA widget solves its challenge in Web Workers it starts from a blob: URL of its own code; a blob
# can only be made by a script already allowed to run here, so this widens nothing script-src does not.
@csp_update({"worker-src": ["blob:"]})
@require_http_methods(["GET", "HEAD", "POST"])
def signup_page(request, slug: str):
    newsletter = Newsletter.objects.filter(slug=slug, is_public=True).first()
    if newsletter is None:
        raise Http404
    language = _language(request, default=newsletter.default_language)
    done = ""
    with translation.override(language):
        form = SignupForm(request.POST if request.method == "POST" else None, newsletter=newsletter)
        if request.method == "POST":
            wait = throttle_wait(request, SIGNUP_THROTTLES)
            if wait is not None:
                return _too_many(request, wait, language=language)
            if form.is_valid():
                values = form.cleaned_data
                try:
                    if not values["website"]:  # the honeypot
                        built = signup_request_build(
                            newsletter_slug=slug, email=values["email"], language=values["language"] or language,
                            consent_text_id=values["consent_text"], privacy_notice_id=values["privacy_notice"],
                            name=values["name"], topic_ids=values["topics"], region_ids=values["regions"],
                        )
                        signup_queue.signup_enqueue(request=built, facts=request_facts(
                            request, form_url=request.build_absolute_uri(request.path)))
                    done = _("We have sent you a link to confirm your subscription. Only once you have "
                             "confirmed will you receive the newsletter.")
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
        context = {"newsletter": newsletter_present(newsletter, language=language), "form": form, "done": done,
                   **consent_texts_present(language=language)}
        if challenge.challenge_required() and not done:
            context["altcha_challenge"] = json.dumps(challenge.challenge_create())
    status = 400 if request.method == "POST" and not done else 200
    return _page(request, "newsletters/public/signup.html", context, language=language, status=status)


CONFIRM_MESSAGES = {
    "confirmed": lambda: _("Your subscription is confirmed. Thank you!"),
    "already-confirmed": lambda: _("Your subscription was confirmed already."),
    "expired": lambda: _("This link has expired. Please sign up again."),
    "invalid": lambda: _("This link is not valid (any more). Please sign up again."),
    "taken": lambda: _("This address already receives the newsletter; nothing was changed."),
}


def _confirm_page(request, token: str, *, address_change: bool):
    """GET asks, POST confirms: mail scanners follow links, and a GET must not give consent for anyone."""
    language = _language(request)
    with translation.override(language):
        if request.method != "POST":
            context = {
                "heading": _("Confirm your new address") if address_change else _("Confirm your subscription"),
                "question": _("Please confirm with the button below.")}
            return _page(request, "newsletters/public/confirm.html", context, language=language)
        wait = throttle_wait(request, (LinkIPRateThrottle,))
        if wait is not None:
            return _too_many(request, wait, language=language)
        facts = request_facts(request)
        preferences_url = ""
        if address_change:
            status = preferences.subscription_address_confirm(token=token, facts=facts)
        else:
            result = signup.subscription_confirm(token=token, facts=facts)
            status = result.status
            if result.subscription is not None:
                preferences_url = signup.preferences_link(result.subscription)
        ok = status in ("confirmed", "already-confirmed")
        context = {"message": CONFIRM_MESSAGES[status](), "ok": ok, "preferences_url": preferences_url}
    return _page(request, "newsletters/public/confirm.html", context, language=language, status=200 if ok else 400)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_page(request, token: str):
    return _confirm_page(request, token, address_change=False)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_address_page(request, token: str):
    return _confirm_page(request, token, address_change=True)


def _int_list(values) -> list[int]:
    return [int(value) for value in values if value.isdigit() and len(value) < 10]


@require_http_methods(["GET", "HEAD", "POST"])
def preferences_page(request, token: str):
    language = _language(request)
    wait = throttle_wait(request, (LinkIPRateThrottle,))
    if wait is not None:
        return _too_many(request, wait, language=language)
    try:
        subscription = preferences.subscription_for_preference_token(token)
    except TokenInvalid:
        raise Http404 from None
    message, errors = "", []
    with translation.override(language):
        if request.method == "POST":
            facts = request_facts(request)
            action = request.POST.get("action", "")
            try:
                message = _preference_action(subscription, action, request.POST, facts)
            except ValidationError as exc:
                errors = exc.messages
            subscription.refresh_from_db()
        context = {"subscription": subscription_present(subscription, language=language), "message": message,
                   "errors": errors}
    return _page(request, "newsletters/public/preferences.html", context, language=language,
                 status=400 if errors else 200)


def _preference_action(subscription, action: str, data, facts) -> str:
    if action == "save":
        preferences.subscription_preferences_update(
            subscription=subscription, topic_ids=_int_list(data.getlist("topics")),
            region_ids=_int_list(data.getlist("regions")), language=data.get("language", ""), facts=facts)
        return _("Your preferences are saved.")
    if action == "pause":
        months = data.get("months", "")
        until = preferences.subscription_pause(subscription=subscription,
                                               months=int(months) if months in ("1", "2", "3") else 0, facts=facts)
        return _("Paused until %(date)s.") % {"date": until.strftime("%d.%m.%Y")}
    if action == "resume":
        preferences.subscription_resume(subscription=subscription, facts=facts)
        return _("The newsletter comes again.")
    if action == "unsubscribe":
        preferences.subscription_unsubscribe(subscription=subscription, source="preferences", facts=facts)
        return _("You have been unsubscribed from this newsletter.")
    if action == "withdraw":
        preferences.subscription_withdraw_everything(subscription=subscription, facts=facts)
        return _("You will receive no more e-mail from us.")
    if action == "address":
        preferences.subscription_address_change_request(subscription=subscription,
                                                        new_email=email_clean(data.get("email", "")), facts=facts)
        return _("Please confirm the new address: we have sent it a link. Until then nothing changes.")
    if action == "export":
        preferences.subscription_export_request(subscription=subscription)
        return _("We are sending your data to your address.")
    raise ValidationError(_("Unknown action."))
