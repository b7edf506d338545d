"""The local outbox in the admin (MAIL_BACKEND=outbox, the embedded default): read what was "sent".

The files are mail to people on the press lists, so the outbox is for whoever
may see sent messages (the press office), like the mailings themselves.
"""

from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from outreach.models import Mailing, Message
from outreach.selectors_outbox import (
    FOLDER,
    outbox_attachment,
    outbox_entries,
    outbox_folders,
    outbox_message,
    outbox_raw,
    outbox_sent_at,
)

PAGE_SIZE = 50
permission_policy = ModelPermissionPolicy(Message)

# Remote images stay blank: our own open pixel among them would count a press officer's look as an open.
PREVIEW_CSP = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "img-src data:; style-src 'unsafe-inline'; font-src data:\">")


class OutboxView(PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    permission_policy = permission_policy
    permission_required = "view"
    header_icon = "mail"
    page_title = _("Outbox")

    def index_url(self) -> str:
        return reverse("outreach_outbox:index")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": self.index_url(), "label": _("Outbox")}]


def _folder_labels(folders: list[str]) -> dict[str, str]:
    titles = dict(Mailing.objects.filter(pk__in=[int(f) for f in folders if f.isdigit()]).values_list("pk", "title"))
    return {f: (titles.get(int(f), _("Mailing %(id)s") % {"id": f}) if f.isdigit() else _("Test sends and other mail"))
            for f in folders}


class OutboxIndexView(OutboxView):
    template_name = "outreach/outbox/index.html"

    def get(self, request):
        folder = request.GET.get("folder") or None
        if folder and not FOLDER.match(folder):
            folder = None
        try:
            page = max(1, int(request.GET.get("p", "1")))
        except ValueError:
            page = 1
        entries, total = outbox_entries(folder=folder, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        folders = outbox_folders()
        return self.render_to_response(self.get_context_data(
            entries=[{"entry": e, "modified": datetime.fromtimestamp(e.modified, tz=timezone.get_current_timezone()),
                      "url": reverse("outreach_outbox:message", args=[e.folder, e.name])} for e in entries],
            total=total, page=page, has_previous=page > 1, has_next=page * PAGE_SIZE < total,
            folder=folder, folders=_folder_labels(folders),
            backend=getattr(settings, "MAIL_BACKEND", "outbox"),
        ))


class OutboxMessageView(OutboxView):
    template_name = "outreach/outbox/message.html"

    def get(self, request, folder, name):
        message = self.message = outbox_message(folder=folder, name=name)
        if message is None:
            raise Http404
        return self.render_to_response(self.get_context_data(
            message=message, preview_html=PREVIEW_CSP + message.html if message.html else "",
            sent_at=outbox_sent_at(message.entry),
            raw_url=reverse("outreach_outbox:raw", args=[folder, name]), index_url=self.index_url(),
            attachment_urls={a["index"]: reverse("outreach_outbox:attachment", args=[folder, name, a["index"]])
                             for a in message.attachments},
        ))

    def get_page_subtitle(self):
        # The subject, as a mail program shows it; the file's name means nothing to a press officer.
        return self.message.entry.subject or _("(no subject)")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # Always a download, never shown inline: an attached HTML file must not run in the admin's origin.
    response["Content-Disposition"] = f'attachment; filename="{filename.replace(chr(34), "")}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


class OutboxRawView(OutboxView):
    def get(self, request, folder, name):
        raw = outbox_raw(folder=folder, name=name)
        if raw is None:
            raise Http404
        return _download(raw, "message/rfc822", name)


class OutboxAttachmentView(OutboxView):
    def get(self, request, folder, name, index):
        found = outbox_attachment(folder=folder, name=name, index=index)
        if found is None:
            raise Http404
        filename, content_type, content = found
        return _download(content, content_type, filename)


class OutboxViewSet(ViewSet):
    icon = "mail"
    menu_label = _("Outbox")
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("", OutboxIndexView.as_view(), name="index"),
            path("<str:folder>/<str:name>/", OutboxMessageView.as_view(), name="message"),
            path("<str:folder>/<str:name>/raw/", OutboxRawView.as_view(), name="raw"),
            path("<str:folder>/<str:name>/attachment/<int:index>/", OutboxAttachmentView.as_view(),
                 name="attachment"),
        ]

    @cached_property
    def menu_item_class(self):
        class OutboxMenuItem(MenuItem):
            def is_shown(self, request):
                return permission_policy.user_has_permission(request.user, "view")

        return OutboxMenuItem
