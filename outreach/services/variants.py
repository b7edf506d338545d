"""Variants of a mailing's locales, for a source that sorts its recipients (outreach.mailable.VariantMailable).

After the freeze the messages say which (locale, variant) each recipient gets; each pair that occurs is
copied from the source here once and rendered with the locales (outreach.services.mailings.mailing_render).
"""

from django.db import transaction

from outreach.mailable import VariantMailable, mailable_resolve
from outreach.models import Mailing, MailingVariant, Message


def source_with_variants(mailing: Mailing) -> VariantMailable | None:
    """The mailing's source when it sorts recipients into variants, else None."""
    if not mailing.source:
        return None
    source = mailable_resolve(mailing.source)
    return source if isinstance(source, VariantMailable) else None


@transaction.atomic
def mailing_variants_copy_from_source(*, mailing: Mailing) -> int:
    """Copy the content of every (locale, variant) the frozen messages use, once each. Returns how many.

    Variants nobody in the audience gets are neither copied nor rendered. Safe to call again.
    """
    source = source_with_variants(mailing)
    if source is None:
        return 0
    pairs = set(Message.objects.filter(mailing=mailing).exclude(variant="").values_list("locale", "variant").distinct())
    MailingVariant.objects.filter(mailing=mailing).delete()
    for locale, key in sorted(pairs):
        content = source.mailable_variant_content(locale, key)
        MailingVariant.objects.create(mailing=mailing, locale=locale, key=key, subject=content.subject[:255],
                                      preheader=content.preheader[:255], body_mjml=content.mjml,
                                      body_html=content.html, body_text=content.text)
    return len(pairs)
