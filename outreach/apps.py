from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Outreach")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from outreach.signal_handlers import register_signal_handlers

        register_signal_handlers()

        from django.db.models.signals import post_migrate

        from outreach.services.roles import press_office_group_ensure, rights_after_migrate

        post_migrate.connect(rights_after_migrate(press_office_group_ensure), sender=self, weak=False,
                             dispatch_uid="outreach_press_office_rights")
