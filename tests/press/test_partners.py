"""Initiative partners see the releases sent for their initiative as figures, never a journalist."""

import pytest
from django.urls import reverse

from cms.models import InitiativePage
from cms.services.roles import initiative_partner_group_ensure
from press.models import PressReleasePage
from tests.outreach.inbound_fixtures import inbound_storage  # noqa: F401
from tests.outreach.sending_fixtures import mail_settings  # noqa: F401
from tests.press.distribution_fixtures import officer, seed_release  # noqa: F401
from tests.press.response_fixtures import answered  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/admin/press/initiative-releases/"


def initiative(slug: str) -> InitiativePage:
    return InitiativePage.objects.get(slug=slug, locale__language_code="de")


@pytest.fixture
def partner_of(django_user_model):
    def make(slug: str):
        user = django_user_model.objects.create_user(f"partner-{slug}", f"{slug}@initiative.example")
        user.groups.add(initiative_partner_group_ensure(initiative=initiative(slug)))
        return user
    return make


@pytest.fixture
def for_krefeld(answered, seed_release):
    # The English initiative page: a release naming any translation counts for the initiative.
    english = InitiativePage.objects.get(translation_key=initiative("buendnis-krefeld").translation_key,
                                         locale__language_code="en")
    seed_release.initiatives.set([english])
    seed_release.save()
    return answered


def test_a_partner_sees_the_figures_of_their_initiative_s_releases_and_no_person(client, for_krefeld, partner_of,
                                                                                  seed_release):
    client.force_login(partner_of("buendnis-krefeld"))
    assert reverse("press_initiative_releases") == URL

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index(f'data-release="{seed_release.pk}"'):]
    row = row[:row.index("</tr>")]
    figures = {name: row.split(f"data-{name}>")[1].split("<")[0]
               for name in ("recipients", "opened", "replied", "clippings", "reach")}
    assert figures == {"recipients": "5", "opened": "2", "replied": "1", "clippings": "1", "reach": "120.000"}
    assert seed_release.title in row and "Krefeld" in row
    for contact in for_krefeld.contacts.values():
        assert contact.email not in page
        assert contact.full_name not in page and f">{contact.last_name}<" not in page
    assert "ich schreibe darüber" not in page  # no reply text either
    assert "Presse-Reichweite" in page
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert URL in home  # the partner's admin menu leads there


def test_a_partner_of_another_initiative_sees_nothing_of_it(client, for_krefeld, partner_of, seed_release):
    client.force_login(partner_of("industrieallianz-mittelrhein"))

    page = client.get(URL).content.decode()

    assert seed_release.title not in page and f'data-release="{seed_release.pk}"' not in page
    assert "Für Ihre Initiative wurde noch keine Medieninformation verschickt." in page


def test_an_embargoed_release_is_not_shown_to_partners(client, for_krefeld, partner_of, seed_release):
    PressReleasePage.objects.filter(pk=seed_release.pk).update(live=False)
    client.force_login(partner_of("buendnis-krefeld"))

    page = client.get(URL).content.decode()

    assert f'data-release="{seed_release.pk}"' not in page


def test_partners_cannot_open_the_response_view_and_users_without_an_initiative_get_nothing(
        client, for_krefeld, partner_of, seed_release, django_user_model):
    client.force_login(partner_of("buendnis-krefeld"))
    responses = client.get(reverse("press_release_responses", args=[seed_release.pk]))
    assert responses.status_code in (302, 403)

    nobody = django_user_model.objects.create_user("ohne-initiative", "ohne@example.org")
    from cms.services.roles import editors_group_ensure

    nobody.groups.add(editors_group_ensure())
    client.force_login(nobody)
    assert client.get(URL).status_code in (302, 403)
    assert URL not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_press_office_sees_every_initiative_s_figures(client, for_krefeld, officer, seed_release):
    client.force_login(officer)

    page = client.get(URL).content.decode()

    assert f'data-release="{seed_release.pk}"' in page
