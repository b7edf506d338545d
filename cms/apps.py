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

        # Every app's tasks module (Celery's autodiscovery over INSTALLED_APPS) is imported now,
        # before anything finalizes the Celery app: in a long test run, shared tasks whose module
        # was first imported after that went missing from the app's registry (NotRegistered).
        _import_project_task_modules()


def _import_project_task_modules() -> None:
    from importlib import import_module
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if Path(config.path).is_relative_to(settings.BASE_DIR) and module_has_submodule(config.module, "tasks"):
            import_module(f"{config.name}.tasks")
