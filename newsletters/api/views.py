"""The public JSON API of the newsletters, for the separate front end: one view per operation.

Answers never tell whether an address is known: a sign-up is 202 with the
same text for a new, a pending, a subscribed and a suppressed address, and
for a filled-in honeypot. Personal links (confirmation, preferences) answer
400 (confirmation) or 404 (preferences) to anything they cannot verify.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from newsletters.api import serializers as io
from newsletters.api.throttles import SIGNUP_THROTTLES, LinkIPRateThrottle
from newsletters.presentation import consent_texts_present, newsletter_present, subscription_present
from newsletters.selectors import newsletters_public
from newsletters.services import challenge, preferences, signup, signup_queue
from newsletters.services.requests import request_facts
from newsletters.services.signup_input import signup_request_build
from newsletters.services.tokens import TokenInvalid

LANGUAGE = OpenApiParameter("locale", str, OpenApiParameter.QUERY, enum=io.LANGUAGES,
                            description="Language of names, descriptions and consent texts (default de).")
TOKEN = OpenApiParameter("token", {"type": "string", "pattern": r"^[A-Za-z0-9_:.\-]+$", "maxLength": 400},
                         OpenApiParameter.PATH, description="The personal token from the preference link.")
TOO_MANY = OpenApiResponse(io.MessageOutputSerializer, description="Rate limit; see the Retry-After header.")
BAD = OpenApiResponse(description="Invalid input: an object naming each field with its messages.")
NOT_FOUND = OpenApiResponse(io.MessageOutputSerializer, description="No such link, or it was revoked.")


def _language(request) -> str:
    language = request.query_params.get("locale") or translation.get_language() or "de"
    language = language.split("-")[0]
    return language if language in io.LANGUAGES else "de"


class PublicAPIView(APIView):
    authentication_classes = ()  # no session: no CSRF, no personal state beyond the token
    permission_classes = ()

    def initial(self, request, *args, **kwargs):
        # Take the whole body (at most DATA_UPLOAD_MAX_MEMORY_SIZE) before a throttle or a 404 answers: a
        # server that answers with unread bytes left on the socket closes it, and the client gets a reset
        # instead of the 429 or 404.
        request._request.body  # noqa: B018 - read for its side effect
        super().initial(request, *args, **kwargs)


class NewsletterListApi(PublicAPIView):
    throttle_classes = ()

    @extend_schema(operation_id="newsletters_list", tags=["newsletters"], parameters=[LANGUAGE],
                   summary="Public newsletters, with the current consent text and privacy notice to show",
                   responses={200: io.NewsletterListOutputSerializer, 400: BAD})
    def get(self, request):
        language = request.query_params.get("locale", "de")
        if language not in io.LANGUAGES:
            raise serializers.ValidationError({"locale": _("Unknown language.")})
        return Response({
            "items": [newsletter_present(newsletter, language=language) for newsletter in newsletters_public()],
            **consent_texts_present(language=language),
        })


class SubscriptionCreateApi(PublicAPIView):
    throttle_classes = SIGNUP_THROTTLES

    @extend_schema(operation_id="newsletters_subscribe", tags=["newsletters"], request=io.SignupInputSerializer,
                   summary="Sign up (double opt-in): a confirmation mail goes to the address",
                   responses={202: io.MessageOutputSerializer, 400: BAD, 429: TOO_MANY})
    def post(self, request):
        data = io.SignupInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if challenge.challenge_required():
            try:
                challenge.challenge_verify(values["altcha"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"altcha": exc.messages}) from exc
        if not values["website"]:  # the honeypot: bots get the same answer and nothing happens
            try:
                built = signup_request_build(
                    newsletter_slug=values["newsletter"], email=values["email"], language=values["language"],
                    consent_text_id=values["consent_text"], privacy_notice_id=values["privacy_notice"],
                    name=values["name"], topic_ids=values["topics"], region_ids=values["regions"],
                )
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.message_dict) from exc
            signup_queue.signup_enqueue(request=built,
                                                facts=request_facts(request, form_url=values["form_url"]))
        return Response({"detail": _("Thank you. Please check your mailbox: we have sent you a link to confirm "
                                     "your subscription.")}, status=status.HTTP_202_ACCEPTED)


class ChallengeApi(PublicAPIView):
    throttle_classes = ()  # one HMAC, no state: cheaper than the throttle's own cache round trip

    @extend_schema(operation_id="newsletters_challenge", tags=["newsletters"],
                   summary="A proof-of-work challenge for the ALTCHA widget (only where the site switched it on)",
                   description="Give this URL to the widget as `challengeurl` and send what it produces as "
                               "`altcha` with the sign-up. Each challenge expires and is accepted once.",
                   responses={200: io.ChallengeOutputSerializer, 404: NOT_FOUND})
    def get(self, request):
        if not challenge.challenge_required():
            raise NotFound(_("Sign-ups need no challenge here."))
        response = Response(challenge.challenge_create())
        response["Cache-Control"] = "no-store"
        return response


def _confirm_answer(result_status: str) -> Response:
    messages = {
        "confirmed": _("Thank you: your subscription is confirmed."),
        "already-confirmed": _("Your subscription was confirmed already."),
        "expired": _("This link has expired. Please sign up again."),
        "invalid": _("This link is not valid (any more). Please sign up again."),
        "taken": _("This address already receives the newsletter; nothing was changed."),
    }
    code = status.HTTP_200_OK if result_status in ("confirmed", "already-confirmed") else status.HTTP_400_BAD_REQUEST
    return Response({"status": result_status, "detail": messages[result_status]}, status=code)


class SubscriptionConfirmApi(PublicAPIView):
    throttle_classes = (LinkIPRateThrottle,)

    @extend_schema(operation_id="newsletters_confirm", tags=["newsletters"], request=io.TokenInputSerializer,
                   summary="Confirm a sign-up with the token from the confirmation mail (idempotent)",
                   responses={200: io.ConfirmOutputSerializer, 400: io.ConfirmOutputSerializer, 429: TOO_MANY})
    def post(self, request):
        data = io.TokenInputSerializer(data=request.data)
        if not data.is_valid():  # no token, or not a string of a token's length: as invalid as a wrong one
            return _confirm_answer("invalid")
        result = signup.subscription_confirm(token=data.validated_data["token"], facts=request_facts(request))
        return _confirm_answer(result.status)


class AddressConfirmApi(PublicAPIView):
    throttle_classes = (LinkIPRateThrottle,)

    @extend_schema(operation_id="newsletters_confirm_address", tags=["newsletters"], request=io.TokenInputSerializer,
                   summary="Confirm a new address with the token mailed to it (idempotent)",
                   responses={200: io.ConfirmOutputSerializer, 400: io.ConfirmOutputSerializer, 429: TOO_MANY})
    def post(self, request):
        data = io.TokenInputSerializer(data=request.data)
        if not data.is_valid():
            return _confirm_answer("invalid")
        result = preferences.subscription_address_confirm(token=data.validated_data["token"],
                                                          facts=request_facts(request))
        return _confirm_answer(result)


class PreferenceApiMixin(PublicAPIView):
    throttle_classes = (LinkIPRateThrottle,)

    def subscription(self, token: str):
        try:
            return preferences.subscription_for_preference_token(token)
        except TokenInvalid:
            raise NotFound(_("This link is not valid (any more).")) from None

    def answer(self, request, subscription, code=status.HTTP_200_OK):
        subscription.refresh_from_db()
        return Response(subscription_present(subscription, language=_language(request)), status=code)

    def run(self, function, **kwargs):
        try:
            return function(**kwargs)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"detail": exc.messages}) from exc


class PreferencesApi(PreferenceApiMixin):
    @extend_schema(operation_id="newsletters_preferences_retrieve", tags=["newsletters"], parameters=[TOKEN, LANGUAGE],
                   summary="A subscriber's preferences (personal link)",
                   responses={200: io.PreferencesOutputSerializer, 404: NOT_FOUND, 429: TOO_MANY})
    def get(self, request, token):
        return self.answer(request, self.subscription(token))

    @extend_schema(operation_id="newsletters_preferences_update", tags=["newsletters"], parameters=[TOKEN, LANGUAGE],
                   request=io.PreferencesInputSerializer, summary="Change topics, regions and language",
                   responses={200: io.PreferencesOutputSerializer, 400: BAD, 404: NOT_FOUND, 429: TOO_MANY})
    def put(self, request, token):
        subscription = self.subscription(token)
        data = io.PreferencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        self.run(preferences.subscription_preferences_update, subscription=subscription, topic_ids=values["topics"],
                 region_ids=values["regions"], language=values["language"], facts=request_facts(request))
        return self.answer(request, subscription)


class PreferencesPauseApi(PreferenceApiMixin):
    @extend_schema(operation_id="newsletters_preferences_pause", tags=["newsletters"], parameters=[TOKEN, LANGUAGE],
                   request=io.PauseInputSerializer, summary="Pause for 1 to 3 months",
                   responses={200: io.PreferencesOutputSerializer, 400: BAD, 404: NOT_FOUND, 429: TOO_MANY})
    def post(self, request, token):
        subscription = self.subscription(token)
        data = io.PauseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.run(preferences.subscription_pause, subscription=subscription, months=int(data.validated_data["months"]),
                 facts=request_facts(request))
        return self.answer(request, subscription)


class PreferencesResumeApi(PreferenceApiMixin):
    @extend_schema(operation_id="newsletters_preferences_resume", tags=["newsletters"], parameters=[TOKEN, LANGUAGE],
                   request=None, summary="End a pause now",
                   responses={200: io.PreferencesOutputSerializer, 404: NOT_FOUND, 429: TOO_MANY})
    def post(self, request, token):
        subscription = self.subscription(token)
        preferences.subscription_resume(subscription=subscription, facts=request_facts(request))
        return self.answer(request, subscription)


class PreferencesUnsubscribeApi(PreferenceApiMixin):
    @extend_schema(operation_id="newsletters_preferences_unsubscribe", tags=["newsletters"],
                   parameters=[TOKEN, LANGUAGE], request=io.UnsubscribeInputSerializer,
                   summary="Unsubscribe from this newsletter, or from all mail",
                   responses={200: io.PreferencesOutputSerializer, 400: BAD, 404: NOT_FOUND, 429: TOO_MANY})
    def post(self, request, token):
        subscription = self.subscription(token)
        data = io.UnsubscribeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["scope"] == "all":
            preferences.subscription_withdraw_everything(subscription=subscription, facts=request_facts(request))
        else:
            preferences.subscription_unsubscribe(subscription=subscription, source="preferences",
                                                 facts=request_facts(request))
        return self.answer(request, subscription)


class PreferencesExportApi(PreferenceApiMixin):
    @extend_schema(operation_id="newsletters_preferences_export", tags=["newsletters"], parameters=[TOKEN, LANGUAGE],
                   request=None, summary="Mail the subscriber everything held about the address (JSON)",
                   responses={202: io.MessageOutputSerializer, 404: NOT_FOUND, 429: TOO_MANY})
    def post(self, request, token):
        preferences.subscription_export_request(subscription=self.subscription(token))
        return Response({"detail": _("We are sending your data to your address.")}, status=status.HTTP_202_ACCEPTED)


class PreferencesAddressApi(PreferenceApiMixin):
    @extend_schema(operation_id="newsletters_preferences_address", tags=["newsletters"], parameters=[TOKEN, LANGUAGE],
                   request=io.AddressInputSerializer,
                   summary="Change the address: takes effect once the new address confirms",
                   responses={202: io.MessageOutputSerializer, 400: BAD, 404: NOT_FOUND, 429: TOO_MANY})
    def post(self, request, token):
        subscription = self.subscription(token)
        data = io.AddressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.run(preferences.subscription_address_change_request, subscription=subscription,
                 new_email=data.validated_data["email"], facts=request_facts(request))
        return Response({"detail": _("Please confirm the new address: we have sent it a link.")},
                        status=status.HTTP_202_ACCEPTED)
