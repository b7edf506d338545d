"""Demo press contacts for trying the product: fictional journalists (example.org
addresses) at real outlets, the press contact named in the seed press release as
a protagonist, a sender identity, a press list, a segment and a press-office
login. Safe to run twice."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from outreach.models import (
    Contact,
    ContactList,
    JournalistProfile,
    Organisation,
    ProtagonistProfile,
    Segment,
    SenderIdentity,
)
from outreach.services.audiences import list_add_contacts, segment_save
from outreach.services.contacts import contact_create
from outreach.services.demo_mailing import demo_mailing_ensure
from outreach.services.roles import press_office_group_ensure

OUTLETS = [
    ("Thüringer Allgemeine", "Erfurt"),
    ("Stuttgarter Zeitung", "Stuttgart"),
    ("Westdeutsche Zeitung", "Krefeld"),
    ("Deutsche Presse-Agentur", "Berlin"),
    ("Industry Europe Online", "Brüssel"),
]
JOURNALISTS = [
    # email, salutation, first, last, language, outlet, media type, beats, regions
    ("anna.becker@example.org", "ms", "Anna", "Becker", "de", "Thüringer Allgemeine", "print",
     ["industriedialog"], ["thueringen"]),
    ("jonas.weber@example.org", "mr", "Jonas", "Weber", "de", "Stuttgarter Zeitung", "print",
     ["industriedialog", "arbeit-der-zukunft"], ["baden-wuerttemberg"]),
    ("lea.hoffmann@example.org", "ms", "Lea", "Hoffmann", "de", "Westdeutsche Zeitung", "online",
     ["akzeptanz"], ["krefeld", "nord-westfalen"]),
    ("tom.richter@example.org", "mr", "Tom", "Richter", "de", "Deutsche Presse-Agentur", "agency",
     ["industriedialog"], ["thueringen", "baden-wuerttemberg", "frankfurt-am-main"]),
    ("claire.martin@example.org", "ms", "Claire", "Martin", "en", "Industry Europe Online", "online",
     ["industriedialog"], ["baden-wuerttemberg"]),
]
SEGMENT_RULES = {
    "match": "all",
    "conditions": [
        {"field": "profile", "op": "in", "value": ["journalist"]},
        {"field": "beat", "op": "in", "value": ["industriedialog"]},
        {"field": "region", "op": "in", "value": ["thueringen", "baden-wuerttemberg"]},
        {"field": "language", "op": "in", "value": ["de"]},
        {"field": "bounce_state", "op": "not_in", "value": ["hard"]},
        {"field": "not_contacted_within_days", "op": "is", "value": ["14"]},
    ],
}


@dataclass
class DemoContactsReport:
    created: list[str] = field(default_factory=list)


@transaction.atomic
def demo_contacts_load() -> DemoContactsReport:
    from cms.models import RegionPage, Topic

    report = DemoContactsReport()
    press_office_group_ensure()
    outlets = {}
    for name, city in OUTLETS:
        outlets[name], created = Organisation.objects.get_or_create(
            name=name, defaults={"kind": "outlet", "city": city}
        )
        if created:
            report.created.append(f"organisation: {name}")

    journalists = []
    for email, salutation, first, last, language, outlet, media_type, beats, regions in JOURNALISTS:
        contact = Contact.objects.filter(email=email).first()
        if contact is None:
            contact = contact_create(
                email=email, salutation=salutation, first_name=first, last_name=last, language=language,
                organisation=outlets[outlet], source="Demo-Daten",
                legal_basis=Contact.LegalBasis.LEGITIMATE_INTEREST,
                legal_basis_note="Berichtet über die regionale Industrie; Presseinformationen gehören zu ihrer Arbeit.",
            )
            profile = JournalistProfile.objects.create(contact=contact, outlet=outlets[outlet], media_type=media_type,
                                                       languages=[language])
            profile.beats.set(Topic.objects.filter(slug__in=beats, locale__language_code="de"))
            profile.regions.set(RegionPage.objects.filter(slug__in=regions, locale__language_code="de"))
            report.created.append(f"journalist: {contact}")
        journalists.append(contact)

    n3tzwerk, _created = Organisation.objects.get_or_create(
        name="N3tzwerk Zukunft der Industrie", defaults={"kind": "association", "city": "Berlin",
                                                         "website": "https://www.n3tzwerk.org/"},
    )
    speaker_email = "simone.ebel-schmidt@n3tzwerk.org"
    if not Contact.objects.filter(email=speaker_email).exists():
        speaker = contact_create(
            email=speaker_email, salutation="ms", first_name="Simone", last_name="Ebel-Schmidt", language="de",
            organisation=n3tzwerk, position="Pressekontakt", phone="(030) 516 95 6864", source="Medieninformation 16.01.2017",
            legal_basis=Contact.LegalBasis.LEGITIMATE_INTEREST,
            legal_basis_note="Veröffentlichter Pressekontakt eines Konsortialpartners.",
        )
        ProtagonistProfile.objects.create(contact=speaker, organisation=n3tzwerk, function="Pressekontakt",
                                          kind="association")
        report.created.append(f"protagonist: {speaker}")

    sender, created = SenderIdentity.objects.get_or_create(
        label="Pressestelle N3tzwerk",
        defaults={
            "from_name": "N3tzwerk Zukunft der Industrie", "from_email": "presse@example.org",
            "reply_to_email": "presse@example.org", "is_default": True,
            "imprint": "N3tzwerk Zukunft der Industrie · Mauerstraße 83-84 · 10117 Berlin · "
                       "Telefon (030) 516 95 6864 · www.n3tzwerk.org",
        },
    )
    if created:
        report.created.append("sender: Pressestelle N3tzwerk")

    press_list, created = ContactList.objects.get_or_create(
        name="Presseverteiler Industriedialog", defaults={"description": "Journalistinnen und Journalisten für den Industriedialog"}
    )
    if created:
        list_add_contacts(contact_list=press_list, contact_ids=[c.pk for c in journalists])
        report.created.append(f"list: {press_list}")
    if not Segment.objects.filter(name="Industrie-Presse Thüringen und Baden-Württemberg").exists():
        segment_save(name="Industrie-Presse Thüringen und Baden-Württemberg", rules=SEGMENT_RULES,
                     description="Presse mit dem Thema Industriedialog in Thüringen oder Baden-Württemberg, "
                                 "deutschsprachig, zustellbar, in den letzten 14 Tagen nicht angeschrieben.")
        report.created.append("segment: Industrie-Presse Thüringen und Baden-Württemberg")
    if demo_mailing_ensure(sender=sender, press_list=press_list):
        report.created.append("mailing: the seed press release, as a draft")
    return report


@transaction.atomic
def demo_press_officer_ensure(*, password: str) -> str:
    """The login 'presse' in the Press office group. An existing user keeps their password."""
    user, created = get_user_model().objects.get_or_create(username="presse", defaults={"email": "presse@example.org"})
    if created:
        user.set_password(password)
        user.save()
    user.groups.add(press_office_group_ensure())
    return user.username
