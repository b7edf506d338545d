"""The consent proof of one address in the admin, for the data protection officer: a JSON file and a page
to print (or save as PDF from the browser's print dialogue). Press office and administrators only."""

import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import View

from newsletters.models import Subscription
from newsletters.services.proof_export import address_proof, address_proof_data
from outreach import mailable

CONTACT_PERMISSION = "outreach.view_contact"


def may_read_address_proof(user) -> bool:
    """Whoever holds both the subscriptions and the contact database (the press office, administrators):
    an editor given the newsletters' numbers does not thereby get the people behind them."""
    from newsletters.wagtail_hooks import subscription_viewset

    return (subscription_viewset.permission_policy.user_has_permission(user, "view")
            and user.has_perm(CONTACT_PERMISSION))


class AddressProofView(View):
    file_format = ""

    def proof(self, request, contact_id: int):
        if not may_read_address_proof(request.user):
            raise PermissionDenied
        contact_model = Subscription._meta.get_field("contact").related_model
        email = contact_model.objects.filter(pk=contact_id).values_list("email", flat=True).first()
        if email is None:
            raise Http404
        proof = address_proof(contact_id=contact_id, email=email)
        # The data protection officer takes it away (a file, a printout): on record like any export. The log
        # names the contact's number, not the address, which must not outlive an erasure there.
        mailable.personal_data_handed_out(
            actor=request.user, file_format=self.file_format, row_count=len(proof.subscriptions),
            contact_ids=[contact_id], description=_("Consent proof of contact no. %(id)s (%(what)s)") % {
                "id": contact_id, "what": self.file_format.upper()})
        return proof


class AddressProofJsonView(AddressProofView):
    file_format = "json"

    def get(self, request, contact_id: int):
        proof = self.proof(request, contact_id)
        content = json.dumps(address_proof_data(proof), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="consent-proof-contact-{contact_id}.json"'
        response["Cache-Control"] = "no-store"
        return response


class AddressProofPrintView(AddressProofView):
    file_format = "html"
    template_name = "newsletters/admin/address_proof.html"
    json_url_name = None

    def get(self, request, contact_id: int):
        proof = self.proof(request, contact_id)
        response = TemplateResponse(request, self.template_name, {
            "proof": proof, "language": translation.get_language(),
            "json_url": reverse(self.json_url_name, args=[contact_id]),
        })
        response["Cache-Control"] = "no-store"
        return response
