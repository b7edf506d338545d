"""Content-Security-Policy: one strict policy for the HTML this origin serves, none at all for the rest.

The policies themselves are in cms/settings/security.py (CONTENT_SECURITY_POLICY,
django-csp 4.0). The API and error bodies are data, never documents: they get
`default-src 'none'`, so that even a body a browser was tricked into rendering
can load and run nothing, and no page may frame them.
"""

from contextvars import ContextVar

from csp.constants import NONE
from csp.middleware import CSPMiddleware
from csp.utils import build_policy

HEADER = "Content-Security-Policy"
NOTHING = {"default-src": [NONE], "frame-ancestors": [NONE], "base-uri": [NONE], "form-action": [NONE]}
NOTHING_HEADER = build_policy(config=NOTHING)
DATA_PATH_PREFIXES = ("/api/",)
_current_request: ContextVar = ContextVar("dialogdesk_csp_request", default=None)


def current_script_nonce() -> str:
    """The nonce of the request being answered (added to its script-src once asked for), or ""."""
    request = _current_request.get()
    return str(request.csp_nonce) if request is not None and hasattr(request, "csp_nonce") else ""


def nonce_wagtail_chooser_scripts() -> None:
    """Give the inline script Wagtail's chooser widgets append to their HTML this request's nonce.

    BaseChooser.render writes `<script>new ImageChooser(...)</script>` with no template to
    override. Only that last script, which must start with the widget's own constructor, gets
    the nonce; the widget HTML before it is escaped template output (a chosen item's title).
    """
    from django.utils.safestring import mark_safe
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.render, "_nonced", False):
        return
    render = BaseChooser.render

    def render_with_nonce(self, name, value, attrs=None, renderer=None):
        html = render(self, name, value, attrs, renderer)
        widget_html, opening, script = html.rpartition("<script>")
        nonce = current_script_nonce()
        if nonce and opening and script.startswith(f"new {self.js_constructor}(") and script.endswith("</script>"):
            return mark_safe(f'{widget_html}<script nonce="{nonce}">{script}')
        return html

    render_with_nonce._nonced = True
    BaseChooser.render = render_with_nonce


def csp_none(response):
    """Give a response the policy that allows nothing (error bodies); returns it."""
    response[HEADER] = NOTHING_HEADER
    return response


# Features no page of ours uses: a script that got in anyway cannot ask for them either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the allow-nothing policy for every response under DATA_PATH_PREFIXES.

    It also sends Permissions-Policy, the one security header Django has no setting for.
    """

    def process_request(self, request):
        super().process_request(request)
        request._dialogdesk_csp_token = _current_request.set(request)

    def process_response(self, request, response):
        token = getattr(request, "_dialogdesk_csp_token", None)
        if token is not None:
            _current_request.reset(token)
            del request._dialogdesk_csp_token
        if request.path_info.startswith(DATA_PATH_PREFIXES):
            # Data never takes a nonce or a per-view policy: the one fixed header, not one built per response.
            if HEADER not in response and not getattr(response, "_csp_exempt", False):
                response[HEADER] = NOTHING_HEADER
        else:
            response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
