from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from press.services.embargo import EMBARGO_BREAK_ACTION
from press.viewsets import PressViewSetGroup


@hooks.register("register_admin_viewset")
def register_press_viewsets():
    return PressViewSetGroup()


@hooks.register("register_log_actions")
def register_press_log_actions(actions):
    actions.register_action(EMBARGO_BREAK_ACTION, _("Embargo broken"), _("Published before the embargo"))


@hooks.register("before_publish_page")
def log_embargo_break(request, page):
    # The form marked the page when the editor confirmed publishing before a scheduled embargo.
    previous = getattr(page, "_press_embargo_broken", None)
    if previous is not None:
        from press.services.embargo import embargo_break_log

        embargo_break_log(release=page, user=request.user, previous=previous, new=page.embargo_until)


@hooks.register("register_admin_urls")
def register_press_urls():
    from django.urls import path

    from press.views.distributions import DistributionCreateView, DistributionView
    from press.views.kits import PressKitView
    from press.views.partners import InitiativeReleasesView
    from press.views.responses import ReleaseResponsesView

    return [
        path("press/initiative-releases/", InitiativeReleasesView.as_view(), name="press_initiative_releases"),
        path("press/releases/<int:release_id>/responses/", ReleaseResponsesView.as_view(),
             name="press_release_responses"),
        path("press/releases/<int:release_id>/press-kit/", PressKitView.as_view(), name="press_kit"),
        path("press/releases/<int:release_id>/distribute/", DistributionCreateView.as_view(),
             name="press_distribution_create"),
        path("press/distributions/<int:pk>/", DistributionView.as_view(), name="press_distribution"),
    ]


@hooks.register("register_page_header_buttons")
def distribute_button(page, user, view_name=None, next_url=None):
    from press.models import PressReleasePage
    from press.views.distributions import may_distribute

    if isinstance(page.specific_deferred, PressReleasePage) and may_distribute(user, page):
        from django.urls import reverse
        from wagtail.admin.widgets import Button

        yield Button(_("Distribute to journalists"), reverse("press_distribution_create", args=[page.pk]),
                     icon_name="mail", priority=15)
    if isinstance(page.specific_deferred, PressReleasePage):
        from press.views.responses import may_read_responses, responses_url

        if may_read_responses(user):
            yield Button(_("What came back"), responses_url(page), icon_name="comment", priority=16)


class InitiativeReleasesMenuItem(MenuItem):
    def is_shown(self, request):
        from press.views.partners import initiative_keys_visible_to

        return initiative_keys_visible_to(request.user) != set()


@hooks.register("register_admin_menu_item")
def register_initiative_releases_menu_item():
    from django.urls import reverse

    return InitiativeReleasesMenuItem(_("Reach of our press releases"), reverse("press_initiative_releases"),
                                      name="press-initiative-releases", icon_name="doc-full-inverse", order=260)


@hooks.register("register_page_header_buttons")
def press_kit_button(page, user, view_name=None, next_url=None):
    from press.models import PressReleasePage

    if isinstance(page.specific_deferred, PressReleasePage) and page.permissions_for_user(user).can_edit():
        from django.urls import reverse
        from wagtail.admin.widgets import Button

        yield Button(_("Build the press kit"), reverse("press_kit", args=[page.pk]), icon_name="download",
                     priority=17)
