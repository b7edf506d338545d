"""Finding 10 of issue #9: Content-Security-Policy, HSTS, the trusted proxy and `check --deploy`."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.cms.test_settings import PRODUCTION_KEY, load_settings

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": "dialogdesk.example.org"}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        if part.strip():
            name, *values = part.split()
            parsed[name] = values
    return parsed


@pytest.mark.django_db
class ContentSecurityPolicyTests:
    def test_the_admin_has_a_strict_enforced_policy(self, admin_client):
        for url in (reverse("wagtailadmin_login"), reverse("wagtailadmin_home")):
            response = admin_client.get(url, follow=True)
            assert response.status_code == 200
            assert "Content-Security-Policy-Report-Only" not in response
            policy = directives(response["Content-Security-Policy"])
            assert policy["default-src"] == ["'self'"]
            assert policy["object-src"] == ["'none'"]
            assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
            assert policy["frame-ancestors"] == ["'self'"]
            assert "'unsafe-eval'" not in policy["script-src"]
            assert "'unsafe-inline'" not in policy["script-src"]
            assert all(not source.startswith(("http:", "https:", "*")) for source in policy["script-src"])

    @pytest.mark.parametrize("url", ["/api/v2/pages/", "/api/v2/pages/?type=nix.nix", "/api/schema/",
                                     "/api/v2/pages/gibtsnicht/", "/gibtsnicht/"])
    def test_api_and_error_responses_allow_nothing(self, client, url):
        policy = directives(client.get(url)["Content-Security-Policy"])
        assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]

    def test_cached_api_responses_keep_the_policy(self, client):
        client.get("/api/v2/pages/")
        again = client.get("/api/v2/pages/")
        assert directives(again["Content-Security-Policy"])["default-src"] == ["'none'"]

    def test_referrer_opener_and_permissions_policies(self, client):
        response = client.get(reverse("wagtailadmin_login"))
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]


class HSTSTests:
    def test_production_defaults_to_a_year_with_subdomains(self):
        result = load_settings(PRODUCTION, "settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
                                           "settings.SECURE_HSTS_PRELOAD")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "(31536000, True, False)"

    def test_preload_and_length_are_configurable(self):
        result = load_settings({**PRODUCTION, "SECURE_HSTS_SECONDS": "63072000", "SECURE_HSTS_PRELOAD": "1"},
                               "settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_PRELOAD")
        assert result.stdout.strip() == "(63072000, True)", result.stderr

    def test_debug_sends_none(self):
        assert load_settings({"DEBUG": "1"}, "settings.SECURE_HSTS_SECONDS").stdout.strip() == "(0,)"


class TrustedProxyTests:
    def test_forwarded_headers_are_not_believed_by_default(self):
        result = load_settings(PRODUCTION, "settings.SECURE_PROXY_SSL_HEADER, settings.TRUSTED_PROXY")
        assert result.stdout.strip() == "(None, False)", result.stderr

    def test_one_switch_trusts_the_proxy(self):
        result = load_settings({**PRODUCTION, "TRUSTED_PROXY": "1"},
                               "settings.SECURE_PROXY_SSL_HEADER, settings.TRUSTED_PROXY")
        assert result.stdout.strip() == "(('HTTP_X_FORWARDED_PROTO', 'https'), True)", result.stderr

    @pytest.mark.django_db
    def test_a_forged_forwarded_proto_does_not_make_a_request_secure(self, client, settings):
        settings.SECURE_HSTS_SECONDS = 31536000
        response = client.get(reverse("wagtailadmin_login"), HTTP_X_FORWARDED_PROTO="https")
        assert "Strict-Transport-Security" not in response  # only sent on requests that really are https
        response = client.get(reverse("wagtailadmin_login"), secure=True)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_check_deploy_is_clean_under_the_documented_production_settings(tmp_path):
    """The environment the README documents for production, and .ci/run uses."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "DEBUG"))}
    env.update({"DEBUG": "0", "SECRET_KEY": PRODUCTION_KEY + "-" + "x" * 20, "ALLOWED_HOSTS": "dialogdesk.example.org",
                "SECURE_SSL_REDIRECT": "1", "TRUSTED_PROXY": "1", "DIALOGDESK_VAR_DIR": str(tmp_path),
                "STATIC_MANIFEST": "0"})
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(
                                os.path.dirname(os.path.abspath(__file__)))))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
