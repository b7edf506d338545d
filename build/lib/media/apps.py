from django.apps import AppConfig


class MediaConfig(AppConfig):
    label = "media"
    verbose_name = "Media"
    name = "media"
    default_auto_field = "django.db.models.BigAutoField"
