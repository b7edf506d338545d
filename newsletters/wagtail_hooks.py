from django.template.loader import render_to_string
from wagtail import hooks

from newsletters.viewsets import (
    ConsentTextViewSet,
    NewsletterViewSet,
    NewslettersViewSetGroup,
    SubscriptionViewSet,
)

newsletter_viewset = NewsletterViewSet("newsletters_newsletters", url_prefix="newsletters/newsletters")
subscription_viewset = SubscriptionViewSet("newsletters_subscriptions", url_prefix="newsletters/subscriptions")
consent_text_viewset = ConsentTextViewSet("newsletters_consent_texts", url_prefix="newsletters/consent-texts")


class _Group(NewslettersViewSetGroup):
    items = (newsletter_viewset, subscription_viewset, consent_text_viewset)


@hooks.register("register_admin_viewset")
def register_newsletter_viewsets():
    return _Group()


@hooks.register("outreach_contact_sections")
def contact_newsletter_section(request, contact):
    """The contact's subscriptions with their proof, on the contact's page (outreach's documented hook)."""
    from newsletters.models import Subscription
    from newsletters.selectors import contact_subscriptions

    if not subscription_viewset.permission_policy.user_has_permission(request.user, "view"):
        return ""
    from django.urls import reverse

    from newsletters.proof_views import may_read_address_proof

    address_proof_urls = {}
    if may_read_address_proof(request.user):
        address_proof_urls = {
            "json": reverse(subscription_viewset.get_url_name("address_proof"), args=[contact.pk]),
            "print": reverse(subscription_viewset.get_url_name("address_proof_print"), args=[contact.pk]),
        }
    return render_to_string("newsletters/admin/contact_section.html", {
        "address_proof_urls": address_proof_urls,
        "subscriptions": contact_subscriptions(contact_id=contact.pk),
        "inspect_url_name": subscription_viewset.get_url_name("inspect"),
        "proof_url_name": subscription_viewset.get_url_name("proof"),
        "states": Subscription.State,
    }, request=request)


@hooks.register("register_admin_urls")
def register_issue_urls():
    from django.urls import path

    from newsletters.issue_views import IssueSendView

    return [path("newsletters/issues/<int:pk>/send/", IssueSendView.as_view(), name="newsletters_issue_send")]


@hooks.register("register_page_action_menu_item")
def register_send_as_mailing_item():
    from newsletters.issue_views import SendAsMailingMenuItem

    return SendAsMailingMenuItem()


@hooks.register("after_create_page")
def grant_issue_rights_on_a_new_issue_page(request, page):
    """A newsletter's new issue page (or its translation): the press office may write and send below it."""
    from newsletters.models import NewsletterIndexPage
    from newsletters.services.roles import newsletter_roles_ensure

    if isinstance(page.specific, NewsletterIndexPage):
        newsletter_roles_ensure()
