from django.utils.translation import gettext_lazy as _
from wagtail import hooks

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
