from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsletters.selectors import newsletter_confirmed_contact_ids
        from newsletters.services.preferences import newsletter_scope_unsubscribe
        from cms.api.visibility import register_api_pages_filter
        from newsletters.mailable import ISSUE_LABEL, issue_audience_contact_ids
        from newsletters.models import NewsletterIssuePage
        from outreach.mailable import register_audience_provider, register_mailable_source, register_unsubscribe_scope

        register_audience_provider("newsletters.newsletter", newsletter_confirmed_contact_ids)
        register_audience_provider(ISSUE_LABEL, issue_audience_contact_ids)
        register_mailable_source(ISSUE_LABEL, lambda pk: NewsletterIssuePage.objects.get(pk=pk))
        register_api_pages_filter(_issues_sent_only)
        register_unsubscribe_scope("newsletters.newsletter", describe=_newsletter_describe,
                                   unsubscribe=newsletter_scope_unsubscribe, members=_newsletter_members)

        from newsletters.services.imports import newsletter_import_choices, subscriptions_attach_imported
        from outreach.mailable import register_import_target

        register_import_target("newsletters.newsletter", choices=newsletter_import_choices,
                               attach=subscriptions_attach_imported)

        from newsletters.services.signup_input import signup_catalogue_signals_connect

        signup_catalogue_signals_connect()

        from django.db.models.signals import post_migrate

        from newsletters.services.roles import newsletter_roles_ensure
        from outreach.services.roles import rights_after_migrate

        post_migrate.connect(rights_after_migrate(newsletter_roles_ensure), sender=self, weak=False,
                             dispatch_uid="newsletters_press_office_rights")


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


def _issues_sent_only(queryset):
    """The public pages API shows an issue only once it was sent: a published draft is not news yet."""
    from newsletters.models import NewsletterIssuePage

    return queryset.exclude(pk__in=NewsletterIssuePage.objects.filter(sent_at__isnull=True).values("pk"))
