"""The admin's "send as mailing" for a newsletter issue: a page showing who gets it in which language and
whether every block renders; confirming creates the engine's mailing and leads to it (preview, test send,
schedule, progress and report are the engine's)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.action_menu import ActionMenuItem

from newsletters.models import NewsletterIssuePage
from newsletters.rendering import issue_check
from newsletters.selectors import issue_audience_by_language
from newsletters.services.issues import issue_mailing_create

SEND_PERMISSION = "outreach.add_mailing"


def _issue_for(request, pk: int) -> NewsletterIssuePage:
    issue = get_object_or_404(NewsletterIssuePage, pk=pk)
    if not (request.user.has_perm(SEND_PERMISSION) and issue.permissions_for_user(request.user).can_edit()):
        raise PermissionDenied
    return issue


class IssueSendView(View):
    template_name = "newsletters/admin/issue_send.html"

    def get(self, request, pk: int):
        issue = _issue_for(request, pk)
        return TemplateResponse(request, self.template_name, {
            "issue": issue, "newsletter": issue.newsletter, "errors": issue_check(page=issue),
            "counts": issue_audience_by_language(issue=issue) if issue.newsletter else {},
            "edit_url": reverse("wagtailadmin_pages:edit", args=[issue.pk]),
        })

    def post(self, request, pk: int):
        issue = _issue_for(request, pk)
        try:
            _mailing_id, url = issue_mailing_create(issue=issue, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("newsletters_issue_send", pk=issue.pk)
        messages.success(request, _("The mailing has been created. Preview it, send a test and then send or "
                                    "schedule it here."))
        return redirect(url)


class SendAsMailingMenuItem(ActionMenuItem):
    label = gettext_lazy("Send as mailing")
    name = "action-send-as-mailing"
    icon_name = "mail"
    order = 90

    def is_shown(self, context):
        page = context.get("page")
        return (context.get("view") == "edit" and isinstance(page, NewsletterIssuePage)
                and context["request"].user.has_perm(SEND_PERMISSION))

    def get_url(self, context):
        return reverse("newsletters_issue_send", args=[context["page"].pk])
