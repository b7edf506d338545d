"""Admin screens of a distribution: create it from a release, write personal notes, mind re-pitches, send.

Thin: every write goes through press.services.distributions, whose
ValidationError is shown to the press officer in its own words. Only users
who may create mailings (the press office) and may edit the release get in.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.mailable import mailing_admin_url
from outreach.models import ContactList, Mailing, Segment
from press.models import Distribution, PressReleasePage
from press.selectors import clippings_of_release
from press.services.distributions import (
    distribution_audience,
    distribution_create,
    distribution_leave_out,
    distribution_notes_save,
    distribution_repitch_conflicts,
    distribution_send,
    release_segment_ensure,
)
from press.views.admin_base import PressAdminView
from press.views.responses import responses_url

NOTE_TABLE_LIMIT = 500


def may_distribute(user, release=None) -> bool:
    if not user.has_perm("outreach.add_mailing"):
        return False
    return release is None or release.permissions_for_user(user).can_edit()


def distribution_url(distribution) -> str:
    return reverse("press_distribution", args=[distribution.pk])


class DistributionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the mailing"), max_length=255)
    lists = forms.ModelMultipleChoiceField(label=gettext_lazy("Lists"), queryset=ContactList.objects.all(),
                                           required=False, widget=forms.CheckboxSelectMultiple)
    segments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Segments"), queryset=Segment.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The segment of the release's topics and regions is ticked already: journalists "
                               "whose beats are its topics, journalists and protagonists of its regions."),
    )
    track_opens = forms.BooleanField(
        label=gettext_lazy("Count opens"), required=False,
        help_text=gettext_lazy("Adds an invisible image to the mail, so the response view shows who opened it. "
                               "Leave it off where recipients have not agreed to such tracking."),
    )
    track_clicks = forms.BooleanField(
        label=gettext_lazy("Count clicks on links"), required=False,
        help_text=gettext_lazy("Links lead through Dialogdesk first, so the response view shows who clicked."),
    )


class _PressView(PressAdminView):
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not may_distribute(request.user, self.release):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DistributionCreateView(_PressView):
    template_name = "press/distributions/create.html"
    page_title = gettext_lazy("Distribute the press release")

    @cached_property
    def release(self) -> PressReleasePage:
        return get_object_or_404(PressReleasePage, pk=self.kwargs["release_id"])

    def get_page_subtitle(self):
        return self.release.title

    def _render(self, form):
        coverage = clippings_of_release(release=self.release).aggregate(clippings=Count("id"), reach=Sum("reach"))
        return self.render_to_response(self.get_context_data(
            form=form, release=self.release, coverage=coverage,
            coverage_url=f"{reverse('press_clippings:index')}?release={self.release.pk}",
            responses_url=responses_url(self.release),
            distributions=Distribution.objects.filter(release=self.release).select_related("mailing")))

    def get(self, request, release_id):
        ready = release_segment_ensure(release=self.release)
        return self._render(DistributionForm(initial={"title": self.release.title,
                                                      "segments": [ready.pk] if ready else []}))

    def post(self, request, release_id):
        form = DistributionForm(request.POST)
        if form.is_valid():
            try:
                distribution = distribution_create(
                    release=self.release, officer=request.user, title=form.cleaned_data["title"],
                    lists=form.cleaned_data["lists"], segments=form.cleaned_data["segments"],
                    track_opens=form.cleaned_data["track_opens"], track_clicks=form.cleaned_data["track_clicks"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Distribution created. Add personal notes, then send it."))
                return redirect(distribution_url(distribution))
        return self._render(form)


class DistributionView(_PressView):
    template_name = "press/distributions/detail.html"
    page_title = gettext_lazy("Distribution")

    @cached_property
    def distribution(self) -> Distribution:
        return get_object_or_404(Distribution.objects.select_related("release", "mailing", "mailing__sender"),
                                 pk=self.kwargs["pk"])

    @property
    def release(self):
        return self.distribution.release

    def get_page_subtitle(self):
        return self.distribution.mailing.title

    def get(self, request, pk):
        return self._render()

    def _render(self, errors=()):
        distribution = self.distribution
        audience = distribution_audience(distribution=distribution).order_by("last_name", "first_name", "email")
        notes = dict(distribution.notes.values_list("contact_id", "html"))
        rows = [{"contact": contact, "note": notes.get(contact.pk, "")}
                for contact in audience.select_related("organisation")[:NOTE_TABLE_LIMIT]]
        return self.render_to_response(self.get_context_data(
            distribution=distribution, mailing=distribution.mailing, rows=rows, audience_count=audience.count(),
            table_limit=NOTE_TABLE_LIMIT, repitches=distribution_repitch_conflicts(distribution=distribution),
            left_out=distribution.left_out.order_by("last_name", "email"), errors=errors,
            is_editable=distribution.mailing.status in (Mailing.Status.DRAFT, Mailing.Status.SCHEDULED),
            mailing_url=mailing_admin_url(distribution.mailing_id),
            release_edit_url=reverse("wagtailadmin_pages:edit", args=[distribution.release_id]),
            responses_url=responses_url(distribution.release, distribution),
        ))

    def post(self, request, pk):
        action = request.POST.get("action")
        distribution = self.distribution
        try:
            if action == "notes":
                notes = {int(key[5:]): value for key, value in request.POST.items()
                         if key.startswith("note-") and key[5:].isdigit()}
                count = distribution_notes_save(distribution=distribution, notes=notes)
                messages.success(request, _("Personal notes saved (%(count)s).") % {"count": count})
            elif action == "leave_out_repitches":
                conflicts = distribution_repitch_conflicts(distribution=distribution)
                distribution_leave_out(distribution=distribution, contact_ids=[r.contact.pk for r in conflicts])
                messages.success(request, _("%(count)s journalists left out.") % {"count": len(conflicts)})
            elif action == "send":
                mailing = distribution_send(distribution=distribution, actor=request.user,
                                            repitch_confirmed=request.POST.get("confirm_repitch") == "on")
                messages.success(request, _("The press release is being sent (%(status)s).")
                                 % {"status": mailing.get_status_display()})
            else:
                return self._render(errors=[_("Unknown action.")])
        except ValidationError as exc:
            return self._render(errors=exc.messages)
        return redirect(distribution_url(distribution))
