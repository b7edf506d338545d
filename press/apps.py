from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PressConfig(AppConfig):
    name = "press"
    verbose_name = _("Press")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from media.services import register_media_hold
        from outreach.mailable import (
            register_audience_provider,
            register_mailable_source,
            register_recipient_fields,
            register_unsubscribe_scope,
        )
        from press.services.distributions import distribution_audience_ids, pitch_notes_for_mailing
        from press.services.embargo import media_held_by_embargo
        from press.services.unsubscribes import (
            PRESS_UNSUBSCRIBE_TITLE,
            press_scope_describe,
            press_scope_members,
            press_scope_unsubscribe,
        )
        from press.signal_handlers import register_signal_handlers

        register_mailable_source("press.pressreleasepage", _release_for_mailing)
        register_media_hold(media_held_by_embargo)
        # A distribution is the audience of its mailing; its personal notes are per-recipient merge fields.
        register_audience_provider("press.distribution", distribution_audience_ids)
        register_recipient_fields("press.pressreleasepage", pitch_notes_for_mailing)
        # Unsubscribing from a distribution ends press mail only; newsletters go on.
        register_unsubscribe_scope("press.distribution", describe=press_scope_describe,
                                   unsubscribe=press_scope_unsubscribe, members=press_scope_members,
                                   title=PRESS_UNSUBSCRIBE_TITLE)
        register_signal_handlers()


def _release_for_mailing(pk: int):
    from press.models import PressReleasePage

    return PressReleasePage.objects.select_related("locale").get(pk=pk)
