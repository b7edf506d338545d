"""Staff adding one subscriber by hand in the admin (newsletters.services.staff does the work)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from newsletters.models import Newsletter
from newsletters.services.requests import email_clean, name_clean
from newsletters.services.staff import StaffAddMode, StaffSubscription, subscription_add_by_staff

ADD_PERMISSION = "newsletters.add_subscription"


class StaffSubscriptionForm(forms.Form):
    newsletter = forms.ModelChoiceField(label=gettext_lazy("Newsletter"), queryset=Newsletter.objects.all(),
                                        help_text=gettext_lazy("Internal newsletters can only be subscribed to here."))
    email = forms.CharField(label=gettext_lazy("E-mail address"), max_length=254)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120, required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"),
                                 choices=[("de", gettext_lazy("German")), ("en", gettext_lazy("English"))])
    topics = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Topics"), required=False, widget=forms.CheckboxSelectMultiple, queryset=None,
        help_text=gettext_lazy("Only topics the chosen newsletter offers."))
    regions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Regions"), required=False, widget=forms.CheckboxSelectMultiple, queryset=None,
        help_text=gettext_lazy("Only regions the chosen newsletter offers."))
    mode = forms.ChoiceField(
        label=gettext_lazy("How the subscription comes about"), widget=forms.RadioSelect,
        choices=[
            (StaffAddMode.CONFIRMATION, gettext_lazy(
                "Send a confirmation request: the person is subscribed only once they click the link (double opt-in)")),
            (StaffAddMode.DOCUMENTED, gettext_lazy(
                "Confirmed with documented consent: the person consented in another way (e.g. on paper, in "
                "writing); subscribed at once")),
        ])
    consent_given_on = forms.DateField(
        label=gettext_lazy("Consent given on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Required for documented consent."))
    proof_note = forms.CharField(
        label=gettext_lazy("Proof note"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("How and when the consent was given, and where the evidence is kept, e.g. “Signed "
                               "sign-up form at the trade fair, 12 March 2026, filed in the press office's folder "
                               "2026”. Stored in the proof log with your name."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Newsletter.topics.field.related_model.objects.filter(
            pk__in=Newsletter.topics.through.objects.values("topic_id")).order_by("name")
        self.fields["regions"].queryset = Newsletter.regions.field.related_model.objects.filter(
            pk__in=Newsletter.regions.through.objects.values("regionpage_id")).order_by("title")

    def clean_email(self):
        return email_clean(self.cleaned_data["email"])

    def clean_name(self):
        return name_clean(self.cleaned_data["name"])


class StaffSubscriptionAddView(WagtailAdminTemplateMixin, View):
    template_name = "newsletters/admin/staff_add.html"
    page_title = gettext_lazy("Add a subscriber")
    header_icon = "plus"
    index_url_name = None
    inspect_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(ADD_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": gettext_lazy("Subscriptions")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request):
        form = StaffSubscriptionForm(initial={"newsletter": request.GET.get("newsletter"), "language": "de"})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request):
        form = StaffSubscriptionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = subscription_add_by_staff(request=StaffSubscription(
                    newsletter=data["newsletter"], email=data["email"], name=data["name"], language=data["language"],
                    topic_ids=tuple(t.pk for t in data["topics"]), region_ids=tuple(r.pk for r in data["regions"]),
                    mode=data["mode"], proof_note=data["proof_note"], consent_given_on=data["consent_given_on"],
                ), actor=request.user)
            except ValidationError as exc:
                self._add_errors(form, exc)
            else:
                self._announce(result, data)
                return redirect(reverse(self.inspect_url_name, args=[result.subscription.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _add_errors(self, form, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)

    def _announce(self, result, data) -> None:
        values = {"address": data["email"], "name": data["newsletter"]}
        if result.status == "already-subscribed":
            messages.warning(self.request, _("%(address)s already receives “%(name)s”; nothing was changed.") % values)
        elif result.status == "confirmation-requested":
            messages.success(self.request, _("A confirmation request is being sent to %(address)s. The subscription "
                                             "to “%(name)s” starts once they confirm.") % values)
        else:
            messages.success(self.request, _("%(address)s now receives “%(name)s”; your proof note is in the "
                                             "proof log.") % values)
