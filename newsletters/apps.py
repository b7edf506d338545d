from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsletters.selectors import newsletter_confirmed_contact_ids
        from newsletters.services.preferences import newsletter_scope_unsubscribe
        from outreach.mailable import register_audience_provider, register_unsubscribe_scope

        register_audience_provider("newsletters.newsletter", newsletter_confirmed_contact_ids)
        register_unsubscribe_scope("newsletters.newsletter", describe=_newsletter_describe,
                                   unsubscribe=newsletter_scope_unsubscribe, members=_newsletter_members)


def _newsletter_describe(pk: int, language: str) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    from newsletters.models import Newsletter

    newsletter = Newsletter.objects.get(pk=pk)
    with translation.override(language):
        return gettext("the newsletter “%(name)s”") % {"name": newsletter.name(language)}


def _newsletter_members(pk: int, contact_ids: list[int]) -> set[int]:
    from newsletters.selectors import newsletter_confirmed_contact_ids

    return set(newsletter_confirmed_contact_ids(pk).filter(contact_id__in=contact_ids))
