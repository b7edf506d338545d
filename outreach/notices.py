"""The Art. 14 GDPR notice: who needs it, and what it says in a mail.

A person whose address did not come from them (a trade-fair list, a public
source, a bought list) must be told with the first mail at the latest who
holds their data, why, from where, and what their rights are. The sending
path puts this text into the {{ art14_notice }} merge field of the first
mailing to such a contact and records that it went out
(outreach.services.sending). It is a plain per-recipient value, so the
body is still rendered once per locale.
"""

from django.conf import settings

from outreach.models import Contact

FROM_THIRD_PARTIES = frozenset({
    Contact.DataOrigin.TRADE_FAIR, Contact.DataOrigin.PUBLIC, Contact.DataOrigin.PURCHASED,
    Contact.DataOrigin.THIRD_PARTY,
})

NOTICE_TEXTS = {
    "de": (
        "Datenschutzhinweis (Art. 14 DSGVO): Wir haben Ihre Kontaktdaten (Name, E-Mail-Adresse, Organisation "
        "und Funktion) nicht bei Ihnen selbst erhoben, sondern aus folgender Quelle: {source}. Wir verarbeiten "
        "sie auf Grundlage {basis}, um Sie über unsere Arbeit zu informieren, und speichern sie, bis Sie "
        "widersprechen oder der Zweck entfällt. Verantwortlich ist der unten genannte Absender. Sie haben das "
        "Recht auf Auskunft, Berichtigung, Löschung, Einschränkung und Datenübertragbarkeit sowie auf Beschwerde "
        "bei einer Aufsichtsbehörde, und Sie können der Verarbeitung jederzeit widersprechen (Art. 21 DSGVO), "
        "zum Beispiel über den Abmeldelink."
    ),
    "en": (
        "Privacy notice (Art. 14 GDPR): we did not collect your contact details (name, e-mail address, "
        "organisation and role) from you but from this source: {source}. We process them on the basis of {basis} "
        "to inform you about our work, and keep them until you object or the purpose ends. The controller is the "
        "sender named below. You have the right of access, rectification, erasure, restriction and portability, "
        "and to lodge a complaint with a supervisory authority, and you may object to the processing at any time "
        "(Art. 21 GDPR), for example through the unsubscribe link."
    ),
}
BASIS_TEXTS = {
    "de": {Contact.LegalBasis.CONSENT: "Ihrer Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)",
           Contact.LegalBasis.LEGITIMATE_INTEREST: "unseres berechtigten Interesses (Art. 6 Abs. 1 lit. f DSGVO)"},
    "en": {Contact.LegalBasis.CONSENT: "your consent (Art. 6(1)(a) GDPR)",
           Contact.LegalBasis.LEGITIMATE_INTEREST: "our legitimate interest (Art. 6(1)(f) GDPR)"},
}
UNKNOWN_SOURCE = {"de": "nicht dokumentiert", "en": "not documented"}


def art14_notice_due(contact: Contact | None) -> bool:
    """True while the notice is owed: data not from the person and no notice recorded yet.

    Contacts from before the origin was asked (blank) owe it unless they consented, as before.
    """
    if contact is None or contact.art14_notice_sent_at is not None:
        return False
    if contact.data_origin:
        return contact.data_origin in FROM_THIRD_PARTIES
    return contact.legal_basis != Contact.LegalBasis.CONSENT


def art14_notice_text(*, contact: Contact | None, locale: str) -> str:
    """The notice for this recipient, or "" if none is due."""
    if not art14_notice_due(contact):
        return ""
    language = "de" if locale.split("-")[0] == "de" else "en"
    basis = BASIS_TEXTS[language].get(contact.legal_basis, BASIS_TEXTS[language][Contact.LegalBasis.LEGITIMATE_INTEREST])
    text = NOTICE_TEXTS[language].format(source=contact.source or UNKNOWN_SOURCE[language], basis=basis)
    policy_url = getattr(settings, "PRIVACY_POLICY_URL", "")
    if policy_url:
        text += (" Mehr: " if language == "de" else " More: ") + policy_url
    return text
