"""The press kit download, and the admin's "build the press kit" screen.

The download streams the ZIP from the media storage (local or S3) as an
attachment, like Wagtail's documents view: never shown inline on this
origin, which is also the admin's. Before the embargo, for an unpublished or
restricted release, or when no kit is ready, it answers 404 as for a name
that does not exist.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from press.models import PressKit, PressReleasePage
from press.selectors_kits import press_kit_current, press_kit_downloadable
from press.services.kits import press_kit_request
from press.views.admin_base import PressAdminView

PUBLIC_MAX_AGE = 300


def press_kit_url(kit: PressKit, request=None) -> str:
    path = reverse("press-kit", args=[kit.release_id, kit.filename])
    return request.build_absolute_uri(path) if request is not None else path


@require_safe
def press_kit_download(request, release_id: int, filename: str):
    release = PressReleasePage.objects.filter(pk=release_id).first()
    kit = press_kit_downloadable(release=release, user=request.user) if release is not None else None
    if kit is None or kit.filename != filename:
        raise Http404
    try:
        handle = kit.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=kit.filename, content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if release.live:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


class PressKitView(PressAdminView):
    """Shows the release's kit (ready, being built, failed) and builds it on demand."""

    template_name = "press/kits/kit.html"
    page_title = gettext_lazy("Press kit")
    header_icon = "download"

    @cached_property
    def release(self) -> PressReleasePage:
        return get_object_or_404(PressReleasePage, pk=self.kwargs["release_id"])

    def dispatch(self, request, *args, **kwargs):
        if not self.release.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.release.title

    def get(self, request, release_id):
        kit = press_kit_current(release_id=self.release.pk)
        return self.render_to_response(self.get_context_data(
            release=self.release, kit=kit,
            download_url=press_kit_url(kit) if kit and kit.status == PressKit.Status.READY and kit.file else "",
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.release.pk]),
        ))

    def post(self, request, release_id):
        kit = press_kit_request(release=self.release)
        if kit.status == PressKit.Status.READY:
            messages.success(request, _("The press kit is up to date: nothing has changed since it was built."))
        else:
            messages.success(request, _("The press kit is being built. Reload this page in a moment."))
        return redirect("press_kit", release_id=self.release.pk)
