"""The initiative partners' view of the releases sent for them: aggregate figures only.

Partners have no outreach rights and never see the press contact list; this view is theirs. The press
office sees the same figures for every initiative. Reads come from press.selectors_partners.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from press.selectors_partners import partner_initiative_keys, partner_release_figures
from press.views.admin_base import PressAdminView


def is_press_office(user) -> bool:
    return user.has_perm("outreach.view_mailing")


def initiative_keys_visible_to(user) -> set | None:
    """The initiatives whose figures the user may see; None means all of them (the press office)."""
    if is_press_office(user):
        return None
    return partner_initiative_keys(user=user)


class InitiativeReleasesView(PressAdminView):
    template_name = "press/partners/releases.html"
    page_title = gettext_lazy("Reach of our press releases")
    header_icon = "doc-full-inverse"

    def get(self, request):
        keys = initiative_keys_visible_to(request.user)
        if keys is not None and not keys:
            raise PermissionDenied
        if keys is None:
            from cms.models import InitiativePage

            keys = set(InitiativePage.objects.values_list("translation_key", flat=True))
        return self.render_to_response(self.get_context_data(figures=partner_release_figures(initiative_keys=keys)))
