"""{% script_nonce %}: the CSP nonce of the request being answered, for scripts Wagtail writes inline."""

from django import template

from cms.security import current_script_nonce

register = template.Library()


@register.simple_tag
def script_nonce() -> str:
    # Widget templates are rendered by the form renderer, without the request in their context.
    return current_script_nonce()
