"""Content-Security-Policy: one strict policy for the HTML this origin serves, none at all for the rest.

The policies themselves are in cms/settings.py (CONTENT_SECURITY_POLICY,
django-csp 4.0). The API and error bodies are data, never documents: they get
`default-src 'none'`, so that even a body a browser was tricked into rendering
can load and run nothing, and no page may frame them.
"""

from dataclasses import replace

from csp.constants import NONE
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy

HEADER = "Content-Security-Policy"
NOTHING = {"default-src": [NONE], "frame-ancestors": [NONE], "base-uri": [NONE], "form-action": [NONE]}
NOTHING_HEADER = build_policy(config=NOTHING)
DATA_PATH_PREFIXES = ("/api/",)


def csp_none(response):
    """Give a response the policy that allows nothing (error bodies); returns it."""
    response[HEADER] = NOTHING_HEADER
    return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the allow-nothing policy for every response under DATA_PATH_PREFIXES."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(DATA_PATH_PREFIXES):
            return replace(parts, config=NOTHING, update=None, replace=None)
        return parts
