"""The base of the press app's own admin screens."""

from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class PressAdminView(WagtailAdminTemplateMixin, View):
    """An admin screen whose header names it ("Was zurückkam", "Pressemappe"), not only "Home"."""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]
