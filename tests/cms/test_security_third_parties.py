"""Finding 11 of issue #9: by default nothing the admin serves makes a browser call a third party.

No Gravatar (a hash of the user's e-mail), no Wagtail release check, no fonts
or scripts from elsewhere. Mails and the mailing preview: tests/outreach/test_security_third_parties.py.
"""

import re

import pytest
from django.urls import reverse

from cms.models import EventPage, NewsArticlePage

pytestmark = pytest.mark.django_db

# src/href of link, script, img, iframe, source; and CSS @import / url(...).
_ELEMENT_URLS = re.compile(r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*?\s(?:src|href|srcset)=[\"']([^\"']+)",
                           re.I)
_CSS_URLS = re.compile(r"@import\s+(?:url\()?[\"']?([^\"')\s;]+)|url\(\s*[\"']?([^\"')\s]+)", re.I)


def foreign_urls(html: str, *, own_hosts: tuple[str, ...] = ("testserver",)) -> list[str]:
    """Absolute (or protocol-relative) URLs the page makes a browser fetch, on a host not in own_hosts."""
    found = [m.group(1) for m in _ELEMENT_URLS.finditer(html)]
    found += [m.group(1) or m.group(2) for m in _CSS_URLS.finditer(html)]
    foreign = []
    for url in found:
        url = url.replace("&amp;", "&").strip()
        match = re.match(r"^(?:https?:)?//([^/:?#]+)", url, re.I)
        if match and match.group(1).lower() not in own_hosts:
            foreign.append(url)
    return foreign


def admin_pages() -> list[str]:
    article = NewsArticlePage.objects.filter(locale__language_code="de").first()
    event = EventPage.objects.filter(locale__language_code="de").first()
    return [reverse("wagtailadmin_home"), reverse("wagtailadmin_pages:edit", args=[article.pk]),
            reverse("wagtailadmin_pages:edit", args=[event.pk]), reverse("wagtailadmin_account"),
            reverse("wagtailusers_users:index"), reverse("wagtailimages:index")]


def test_foreign_urls_finds_what_a_browser_would_fetch():
    html = ('<img src="//www.gravatar.com/avatar/x"><a href="https://example.org/">link</a>'
            '<link href="https://fonts.googleapis.com/css?family=Ubuntu" rel="stylesheet">'
            '<style>@import url(https://fonts.googleapis.com/css2);</style><img src="/media/a.png">')
    assert foreign_urls(html) == ["//www.gravatar.com/avatar/x", "https://fonts.googleapis.com/css?family=Ubuntu",
                                  "https://fonts.googleapis.com/css2"]


def test_no_admin_page_refers_to_gravatar_or_another_host(admin_client, superuser):
    superuser.email = "erika.muster@example.org"
    superuser.save()
    for url in admin_pages():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "gravatar" not in html.lower(), url
        assert foreign_urls(html) == [], url


def test_the_dashboard_does_not_ask_wagtail_org_for_releases(admin_client):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "releases.wagtail.org" not in html and "w-upgrade" not in html
