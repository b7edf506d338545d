"""Factories for cms content, on top of the demo content every test starts with.

Pages are created live (as if published) below an existing parent; pass
``parent=`` explicitly. Many-to-many filing (regions, initiatives, topics) is
set before the page is first saved, the way the admin form does it.
"""

import datetime

import factory
import wagtail_factories
from django.utils import timezone
from factory.django import DjangoModelFactory
from wagtail.models import Collection, Locale

from cms.models import EventPage, NewsArticlePage, Topic

FILING_RELATIONS = ("regions", "initiatives", "topics")


class CreditedImageFactory(wagtail_factories.ImageFactory):
    # wagtail-factories would create a second root collection per image.
    collection = factory.LazyFunction(Collection.get_first_root_node)
    title = factory.Sequence(lambda n: f"Bild {n}")
    file = factory.django.ImageField(width=32, height=18, color="blue")
    credit = "Foto: Dialogdesk"


class TopicFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")
    locale = factory.LazyFunction(lambda: Locale.objects.get(language_code="de"))

    class Meta:
        model = Topic


class FiledPageFactory(wagtail_factories.PageFactory):
    """Base for news, events and studies: accepts regions=, initiatives=, topics= lists."""

    @classmethod
    def _create_instance(cls, model_class, parent, kwargs):
        relations = {name: kwargs.pop(name) for name in FILING_RELATIONS if name in kwargs}
        instance = model_class(**kwargs)
        for name, values in relations.items():
            getattr(instance, name).set(values)
        parent.add_child(instance=instance)
        return instance


class NewsArticlePageFactory(FiledPageFactory):
    title = factory.Sequence(lambda n: f"Meldung {n}")
    slug = factory.Sequence(lambda n: f"meldung-{n}")
    date = datetime.date(2017, 1, 16)
    summary = factory.LazyAttribute(lambda page: f"Kurzfassung von {page.title}")

    class Meta:
        model = NewsArticlePage


class EventPageFactory(FiledPageFactory):
    title = factory.Sequence(lambda n: f"Termin {n}")
    slug = factory.Sequence(lambda n: f"termin-{n}")
    kind = EventPage.Kind.REGIONAL_DIALOGUE
    start_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    end_at = factory.LazyAttribute(lambda page: page.start_at + datetime.timedelta(hours=3))
    place = "Krefeld"

    class Meta:
        model = EventPage
