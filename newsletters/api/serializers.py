"""Input and output of the public newsletter endpoints. Nothing here is a ModelSerializer: every field is named."""

import copy

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from newsletters.services.requests import EMAIL_MAX_LENGTH, email_clean, name_clean

TOKEN_MAX_LENGTH = 400
LANGUAGES = [code for code, _name in settings.LANGUAGES]
ID = {"min_value": 1, "max_value": 2147483647}


def _django_to_drf(function, value):
    try:
        return function(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


def _field_copy(field):
    clone = copy.copy(field)
    if getattr(field, "child", None) is not None:
        clone.child = _field_copy(field.child)
        clone.child.parent = clone  # its name and source are the empty ones ListField gave it
    return clone


class ChoiceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ConsentTextOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    language = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField(allow_blank=True)


class NewsletterOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    frequency = serializers.CharField(allow_blank=True)
    languages = serializers.ListField(child=serializers.CharField())
    topics = ChoiceOutputSerializer(many=True)
    regions = ChoiceOutputSerializer(many=True)


class NewsletterListOutputSerializer(serializers.Serializer):
    items = NewsletterOutputSerializer(many=True)
    consent_text = ConsentTextOutputSerializer(allow_null=True)
    privacy_notice = ConsentTextOutputSerializer(allow_null=True)


class SignupInputSerializer(serializers.Serializer):
    newsletter = serializers.SlugField(max_length=80)
    email = serializers.CharField(max_length=EMAIL_MAX_LENGTH, trim_whitespace=True)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=LANGUAGES, required=False, default=LANGUAGES[0])
    topics = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list,
                                   max_length=100)
    regions = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list,
                                    max_length=100)
    consent_text = serializers.IntegerField(**ID, help_text="Id of the consent text shown (GET /api/newsletters/).")
    privacy_notice = serializers.IntegerField(**ID, help_text="Id of the privacy notice shown.")
    form_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                     help_text="The page the form was on (for the proof).")
    website = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                    help_text="Leave empty: a field people do not see, to catch bots.")
    altcha = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="",
        help_text="The solved proof-of-work challenge (GET /api/newsletters/challenge/) as the ALTCHA widget "
                  "gives it; required only where the site has switched the challenge on.")

    def get_fields(self):
        # DRF deep-copies every declared field for each instance: 0.5 ms here, a fifth of a sign-up's
        # time. Validation changes no state of these fields, so a shallow copy of each is as safe, and
        # bind() then gives the copy its own name and parent (a list's child is copied too, with its own parent).
        return {name: _field_copy(field) for name, field in self._declared_fields.items()}

    def validate_email(self, value):
        return _django_to_drf(email_clean, value)

    def validate_name(self, value):
        return _django_to_drf(name_clean, value)


class MessageOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=TOKEN_MAX_LENGTH)


class ConfirmOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["confirmed", "already-confirmed", "expired", "invalid", "taken"])
    detail = serializers.CharField()


class PreferencesOutputSerializer(serializers.Serializer):
    newsletter = NewsletterOutputSerializer()
    email = serializers.CharField()
    state = serializers.ChoiceField(choices=["confirmed", "paused", "unsubscribed", "pending"])
    paused_until = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    topics = serializers.ListField(child=serializers.IntegerField())
    regions = serializers.ListField(child=serializers.IntegerField())
    pending_email = serializers.CharField(allow_blank=True)


class PreferencesInputSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=LANGUAGES)
    topics = serializers.ListField(child=serializers.IntegerField(**ID), max_length=100)
    regions = serializers.ListField(child=serializers.IntegerField(**ID), max_length=100, required=False,
                                    default=list)


class PauseInputSerializer(serializers.Serializer):
    months = serializers.ChoiceField(choices=[1, 2, 3])


class UnsubscribeInputSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["newsletter", "all"], default="newsletter",
                                    help_text="newsletter: only this one; all: no more mail of any kind.")


class AddressInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=EMAIL_MAX_LENGTH)

    def get_fields(self):
        # DRF deep-copies every declared field for each instance: 0.5 ms here, a fifth of a sign-up's
        # time. Validation changes no state of these fields, so a shallow copy of each is as safe, and
        # bind() then gives the copy its own name and parent (a list's child is copied too, with its own parent).
        return {name: _field_copy(field) for name, field in self._declared_fields.items()}

    def validate_email(self, value):
        return _django_to_drf(email_clean, value)


class ChallengeOutputSerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    challenge = serializers.CharField()
    maxnumber = serializers.IntegerField()
    salt = serializers.CharField()
    signature = serializers.CharField()
