"""Checks shared by the reflected-XSS tests (finding 1 of issue #9) in tests/cms and tests/outreach."""

PAYLOADS = ["<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>"]


def is_html(response) -> bool:
    content_type = response.get("Content-Type", "")
    return "html" in content_type or "xml" in content_type


def assert_not_reflected(response, payload: str) -> None:
    """An HTML answer never holds the raw payload (escaped is fine)."""
    body = response.content.decode("utf-8", "replace")
    if is_html(response):
        assert payload not in body, f"{response.status_code} {response['Content-Type']} reflects {payload!r}"


def assert_safe_error(response, payload: str) -> None:
    """An error answer is not HTML, names its charset, and is not sniffed into HTML either."""
    assert response.status_code >= 400
    assert not is_html(response), f"error {response.status_code} is {response['Content-Type']}"
    assert "charset=" in response["Content-Type"] or response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert_not_reflected(response, payload)
