import pytest
from django.utils import translation


def prefer_english(user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages; the German admin is tested in test_admin_language.py.

    Services speak the active language; the admin speaks the user's preferred
    one; other views the request's. All three are English here.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def superuser(superuser):
    return prefer_english(superuser)


@pytest.fixture
def press_officer(django_user_model):
    from outreach.services.roles import press_office_group_ensure

    user = django_user_model.objects.create_user("pressestelle", "presse@example.org", "pw-for-tests-only")
    user.groups.add(press_office_group_ensure())
    return prefer_english(user)


@pytest.fixture
def press_client(client, press_officer):
    client.force_login(press_officer)
    return client


@pytest.fixture
def editor(django_user_model):
    from cms.services.roles import editors_group_ensure

    user = django_user_model.objects.create_user("redakteurin", "red@example.org", "pw-for-tests-only")
    user.groups.add(editors_group_ensure())
    return user


@pytest.fixture
def initiative_partner(django_user_model):
    from cms.models import InitiativePage
    from cms.services.roles import initiative_partner_group_ensure

    initiative = InitiativePage.objects.filter(locale__language_code="de").first()
    user = django_user_model.objects.create_user("partnerin", "partner@example.org", "pw-for-tests-only")
    user.groups.add(initiative_partner_group_ensure(initiative=initiative))
    return user
