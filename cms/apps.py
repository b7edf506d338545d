from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.signal_handlers import register_signal_handlers

        register_signal_handlers()

        from cms.security import nonce_wagtail_chooser_scripts

        nonce_wagtail_chooser_scripts()

        from cms.localize_dates import localized_translation_comments_install

        localized_translation_comments_install()
