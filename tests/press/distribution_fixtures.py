"""Journalists, lists and a press officer for distribution tests."""

import datetime

import pytest
from django.utils import timezone

from cms.models import RegionPage, Topic
from outreach.models import ContactList, ListMembership, Mailing, Message
from press.models import PressReleasePage
from tests.outreach.factories import ContactFactory, JournalistFactory, ProtagonistFactory

SEED_SLUG = "n3tzwerk-unterstuetzt-industriedialog-in-regionen"


@pytest.fixture
def seed_release(german):
    return PressReleasePage.objects.get(locale=german, slug=SEED_SLUG)


@pytest.fixture
def officer(press_officer):
    press_officer.first_name, press_officer.last_name = "Simone", "Ebel-Schmidt"
    press_officer.email = "ebel-schmidt@presse.example.org"
    press_officer.save()
    return press_officer


def journalist(email: str, *, beats=(), regions=(), **contact):
    profile = JournalistFactory(contact=ContactFactory(email=email, **contact))
    profile.beats.set(Topic.objects.filter(slug__in=beats))
    profile.regions.set(RegionPage.objects.filter(slug__in=regions))
    return profile.contact


def protagonist(email: str, *, regions=()):
    profile = ProtagonistFactory(contact=ContactFactory(email=email))
    profile.regions.set(RegionPage.objects.filter(slug__in=regions))
    return profile.contact


def contact_list(name: str, contacts) -> ContactList:
    result = ContactList.objects.create(name=name)
    ListMembership.objects.bulk_create([ListMembership(contact_list=result, contact=c) for c in contacts])
    return result


def pitched_before(contact, *, days_ago: float, source: str = "press.pressreleasepage:999999",
                   title: str = "Frühere Medieninformation") -> Message:
    """A message of an earlier press mailing, accepted days_ago (as the engine records it)."""
    mailing = Mailing.objects.create(title=title, source=source, status=Mailing.Status.SENT)
    return Message.objects.create(mailing=mailing, contact=contact, email=contact.email, locale="de",
                                  status=Message.Status.ACCEPTED,
                                  sent_at=timezone.now() - datetime.timedelta(days=days_ago))
