"""The newsletter admin's "Bestätigung erneut anfragen": subscribers imported without proof of consent are
asked to confirm (newsletters.services.reconfirmation). A page says how many and what they get; confirming
queues the mails. Needs the right to change newsletters (the press office)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.admin.ui.menus import MenuItem

from newsletters.models import Newsletter, SubscriptionEvent
from newsletters.services.reconfirmation import newsletter_reconfirmation_request, subscriptions_needing_reconfirmation

LABEL = gettext_lazy("Request confirmation again")


def reconfirm_url(newsletter: Newsletter) -> str:
    from newsletters.wagtail_hooks import newsletter_viewset

    return reverse(newsletter_viewset.get_url_name("reconfirm"), args=[newsletter.pk])


class ReconfirmIndexView(generic.IndexView):
    """The newsletter list's row menu offers "Bestätigung erneut anfragen"."""

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission(self.request.user, "change"):
            buttons.append(MenuItem(LABEL, url=reconfirm_url(instance), icon_name="mail", priority=40))
        return buttons


class ReconfirmEditView(generic.EditView):
    """The newsletter's edit page offers "Bestätigung erneut anfragen" in its header."""

    @property
    def header_more_buttons(self):
        return [*super().header_more_buttons,
                Button(LABEL, url=reconfirm_url(self.object), icon_name="mail", priority=40)]


class NewsletterReconfirmView(PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    permission_required = "change"
    template_name = "newsletters/admin/reconfirm.html"
    page_title = LABEL
    header_icon = "mail"
    index_url_name = None

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": reverse(self.index_url_name), "label": _("Newsletters")},
                                         {"url": "", "label": self.get_page_title()}]

    def get(self, request, pk: int):
        newsletter = get_object_or_404(Newsletter, pk=pk)
        waiting = subscriptions_needing_reconfirmation(newsletter=newsletter)
        return self.render_to_response(self.get_context_data(
            newsletter=newsletter, waiting=waiting.count(),
            asked_before=waiting.filter(events__kind=SubscriptionEvent.Kind.RECONFIRMATION_REQUESTED)
            .distinct().count(),
        ))

    def post(self, request, pk: int):
        newsletter = get_object_or_404(Newsletter, pk=pk)
        asked = newsletter_reconfirmation_request(newsletter=newsletter, actor=request.user)
        messages.success(request, _("%(count)s subscribers are being asked to confirm “%(name)s”.")
                         % {"count": asked, "name": newsletter.name()})
        return redirect(self.index_url_name)
