"""The response view of a release: who got it and what came back, its coverage, export and follow-ups.

Thin: reads come from press.selectors.release_responses, writes from press.services.responses. Only the
press office gets in (it may read mailings); creating follow-ups also needs the right to add them.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.mailable import recipient_response_rows
from press.models import PressReleasePage
from press.selectors import release_responses
from press.services.responses import release_follow_ups_create, release_responses_export
from press.views.admin_base import PressAdminView

PAGE_SIZE = 100
SHOW_CHOICES = [
    ("", gettext_lazy("Everybody")),
    ("received", gettext_lazy("Received")),
    ("opened", gettext_lazy("Opened")),
    ("not_opened", gettext_lazy("Not opened")),
    ("clicked", gettext_lazy("Clicked a link")),
    ("replied", gettext_lazy("Replied")),
    ("not_replied", gettext_lazy("Did not reply")),
    ("bounced", gettext_lazy("Bounced")),
    ("unsubscribed", gettext_lazy("Unsubscribed")),
]
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def may_read_responses(user) -> bool:
    return user.has_perm("outreach.view_mailing")


def responses_url(release, distribution=None) -> str:
    url = reverse("press_release_responses", args=[release.pk])
    return f"{url}?{urlencode({'distribution': distribution.pk})}" if distribution else url


def follow_up_owners():
    # Whoever may work on follow-ups: the press office (through its group) and administrators.
    rights = Q(groups__permissions__codename="change_followup", groups__permissions__content_type__app_label="outreach")
    return get_user_model().objects.filter(rights | Q(is_superuser=True), is_active=True).distinct().order_by(
        "last_name", "first_name", "username")


class ResponseFilterForm(forms.Form):
    distribution = forms.TypedChoiceField(label=gettext_lazy("Distribution"), required=False, coerce=int,
                                          empty_value=None)
    show = forms.ChoiceField(label=gettext_lazy("Show"), choices=SHOW_CHOICES, required=False)

    def __init__(self, *args, distributions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distribution"].choices = [("", _("All distributions"))] + [
            (item.pk, f"{item.mailing.title} ({item.created_at:%d.%m.%Y})") for item in distributions]


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name().strip()
        return f"{name} ({obj.email})" if name and obj.email else (name or obj.get_username())


class FollowUpForm(forms.Form):
    owner = OwnerField(label=gettext_lazy("Owner"), queryset=follow_up_owners())
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = follow_up_owners()


class ReleaseResponsesView(PressAdminView):
    template_name = "press/responses/release.html"
    page_title = gettext_lazy("What came back")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not may_read_responses(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def release(self) -> PressReleasePage:
        return get_object_or_404(PressReleasePage, pk=self.kwargs["release_id"])

    def get_page_subtitle(self):
        return self.release.title

    def _filters(self, data):
        from press.models import Distribution

        distributions = Distribution.objects.filter(release=self.release).select_related("mailing")
        form = ResponseFilterForm(data, distributions=distributions)
        if form.is_valid():
            return form, form.cleaned_data["distribution"], form.cleaned_data["show"]
        return form, None, ""

    def get(self, request, release_id):
        form, distribution_id, show = self._filters(request.GET)
        file_format = request.GET.get("format")
        if file_format in EXPORT_TYPES:
            content = release_responses_export(release=self.release, file_format=file_format, actor=request.user,
                                               distribution_id=distribution_id, show=show)
            response = HttpResponse(content, content_type=EXPORT_TYPES[file_format])
            stamp = timezone.localdate().isoformat()
            response["Content-Disposition"] = (f'attachment; filename="rueckmeldungen-{self.release.pk}-{stamp}.'
                                               f'{file_format}"')
            return response
        return self._render(form, distribution_id, show, FollowUpForm(initial={
            "owner": request.user.pk, "due_on": timezone.localdate() + datetime.timedelta(days=3)}))

    def post(self, request, release_id):
        form, distribution_id, show = self._filters(request.GET)
        if not request.user.has_perm("outreach.add_followup"):
            raise PermissionDenied
        follow_up_form = FollowUpForm(request.POST)
        if follow_up_form.is_valid():
            contact_ids = [int(value) for value in request.POST.getlist("contact") if value.isdigit()]
            try:
                created = release_follow_ups_create(
                    release=self.release, contact_ids=contact_ids, owner=follow_up_form.cleaned_data["owner"],
                    due_on=follow_up_form.cleaned_data["due_on"], distribution_id=distribution_id)
            except ValidationError as exc:
                follow_up_form.add_error(None, exc)
            else:
                messages.success(request, _("%(count)s follow-up tasks created. They show on the owner's "
                                            "dashboard when due; a reply closes them.") % {"count": created})
                return redirect(request.get_full_path())
        return self._render(form, distribution_id, show, follow_up_form)

    def _render(self, form, distribution_id, show, follow_up_form):
        responses = release_responses(release=self.release, distribution_id=distribution_id, show=show)
        page = Paginator(responses.responses, PAGE_SIZE).get_page(self.request.GET.get("p"))
        query = {key: value for key, value in (("distribution", distribution_id or ""), ("show", show)) if value}
        return self.render_to_response(self.get_context_data(
            release=self.release, responses=responses, rows=recipient_response_rows(page.object_list), page=page,
            filter_form=form, follow_up_form=follow_up_form, query=urlencode(query),
            may_follow_up=self.request.user.has_perm("outreach.add_followup"),
            filter_links=[(value, label, _count(responses.totals, value)) for value, label in SHOW_CHOICES],
            distribution_id=distribution_id, show=show,
            release_edit_url=reverse("wagtailadmin_pages:edit", args=[self.release.pk]),
            clipping_add_url=f"{reverse('press_clippings:add')}?release={self.release.pk}",
        ))


def _count(totals, show: str):
    names = {"": "recipients", "received": "received", "opened": "opened", "clicked": "clicked", "replied": "replied",
             "bounced": "bounced", "unsubscribed": "unsubscribed"}
    return getattr(totals, names[show]) if show in names else None
