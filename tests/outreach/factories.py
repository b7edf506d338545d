import factory

from outreach.models import Contact, JournalistProfile, Organisation, ProtagonistProfile


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Zeitung {n}")
    kind = "outlet"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    language = "de"


class JournalistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JournalistProfile
        skip_postgeneration_save = True

    contact = factory.SubFactory(ContactFactory)
    outlet = factory.SubFactory(OrganisationFactory)
    media_type = "print"

    @factory.post_generation
    def beats(self, create, extracted, **kwargs):
        if create and extracted:
            self.beats.set(extracted)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


class ProtagonistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtagonistProfile

    contact = factory.SubFactory(ContactFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind="company")
    function = "Betriebsratsvorsitzende"
    kind = "works-council"


class ContactListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.ContactList"

    name = factory.Sequence(lambda n: f"Verteiler {n}")


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.FollowUp"

    contact = factory.SubFactory(ContactFactory)
    title = "Nachfassen"
    due_on = factory.Faker("future_date")
