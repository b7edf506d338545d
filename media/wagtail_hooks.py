from django.http import Http404
from wagtail import hooks


@hooks.register("before_serve_document")
def refuse_held_document(document, request):
    """A held document (a release's under embargo) answers like a missing one, except to those who may edit it."""
    from media.services import document_visible_to

    if not document_visible_to(document=document, request=request):
        raise Http404
