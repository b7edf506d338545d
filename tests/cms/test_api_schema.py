"""The OpenAPI document of the public API."""

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

PAGE_PARAMETERS = {
    "locale", "type", "fields", "limit", "offset", "order", "search", "translation_of",
    "region", "initiative", "topic", "child_of", "descendant_of",
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def parameters(operation):
    return {p["name"]: p for p in operation.get("parameters", [])}


def test_schema_is_valid_openapi(schema):
    validate(schema)


def test_schema_lists_every_public_endpoint_and_nothing_else(schema):
    paths = set(schema["paths"])
    assert {
        "/api/v2/pages/", "/api/v2/pages/{id}/", "/api/v2/pages/find/",
        "/api/v2/images/", "/api/v2/images/{id}/", "/api/v2/documents/", "/api/v2/documents/{id}/",
        "/api/v2/page_preview/", "/feeds/events.ics", "/api/schema/",
    } <= paths
    assert all(path.startswith(("/api/v2/", "/feeds/", "/api/schema/", "/api/newsletters/")) for path in paths)
    assert "/api/v2/page_preview/{id}/" not in paths


def test_operation_ids_are_unique_and_named(schema):
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert {"pages_list", "pages_retrieve", "page_preview_retrieve"} <= set(ids)


def test_page_listing_documents_its_query_parameters(schema):
    listing = schema["paths"]["/api/v2/pages/"]["get"]
    documented = parameters(listing)
    assert PAGE_PARAMETERS <= set(documented)
    assert documented["locale"]["schema"]["enum"] == ["de", "en"]
    assert documented["limit"]["schema"]["type"] == "integer"
    assert documented["region"]["description"]


def test_page_listing_response_is_the_envelope(schema):
    listing = schema["paths"]["/api/v2/pages/"]["get"]
    ref = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    envelope = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(envelope["properties"]) == {"meta", "items"}
    item_ref = envelope["properties"]["items"]["items"]["$ref"]
    item = schema["components"]["schemas"][item_ref.rsplit("/", 1)[1]]
    assert {"id", "meta", "title"} <= set(item["properties"])
    assert {"type", "detail_url", "html_url", "locale"} <= set(item["properties"]["meta"]["properties"])
    assert listing["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_page_detail_describes_every_page_type(schema):
    components = schema["components"]["schemas"]
    detail = schema["paths"]["/api/v2/pages/{id}/"]["get"]
    ref = detail["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    variants = {r["$ref"].rsplit("/", 1)[1] for r in components[ref.rsplit("/", 1)[1]]["oneOf"]}
    assert {"RegionPageDetail", "InitiativePageDetail", "NewsArticlePageDetail", "EventPageDetail",
            "StudyPageDetail", "HomePageDetail"} <= variants
    region = components["RegionPageDetail"]["properties"]
    assert {"level", "federal_state", "contacts", "dialogues", "topics"} <= set(region)
    assert region["dialogues"]["type"] == "array"
    event = components["EventPageDetail"]["properties"]
    assert event["start_at"]["format"] == "date-time"
    assert event["body"]["type"] == "array"
    assert event["kind"]["$ref"].endswith("/EventPageKindEnum")
    assert components["StudyPageKindEnum"]["enum"] == ["study", "good-practice"]


def test_preview_documents_its_required_parameters(schema):
    preview = schema["paths"]["/api/v2/page_preview/"]["get"]
    documented = parameters(preview)
    assert documented["token"]["required"] and documented["content_type"]["required"]
    assert {"200", "400", "404"} <= set(preview["responses"])


def test_events_feed_is_documented(schema):
    feed = schema["paths"]["/feeds/events.ics"]["get"]
    assert parameters(feed)["locale"]["schema"]["enum"] == ["de", "en"]
    assert "text/calendar" in feed["responses"]["200"]["content"]
    assert "text/plain" in feed["responses"]["400"]["content"]


@pytest.mark.parametrize("path", ["/api/v2/pages/", "/api/v2/images/", "/api/v2/documents/"])
def test_listing_parameters_have_bounds_and_patterns(schema, path):
    documented = parameters(schema["paths"][path]["get"])
    assert (documented["limit"]["schema"]["minimum"], documented["limit"]["schema"]["maximum"]) == (1, 100)
    assert documented["offset"]["schema"]["minimum"] == 0
    assert documented["offset"]["schema"]["maximum"] >= 10_000
    assert documented["search"]["schema"]["maxLength"] == 200
    for name in ("search", "fields", "order"):
        assert documented[name]["schema"]["pattern"]
    assert documented["search_operator"]["schema"]["enum"] == ["and", "or"]


def test_ids_are_bounded_positive_integers(schema):
    for path in ("/api/v2/pages/{id}/", "/api/v2/images/{id}/", "/api/v2/documents/{id}/"):
        id_schema = parameters(schema["paths"][path]["get"])["id"]["schema"]
        assert (id_schema["minimum"], id_schema["maximum"]) == (1, 2**31 - 1)
    listing = parameters(schema["paths"]["/api/v2/pages/"]["get"])
    for name in ("translation_of", "descendant_of", "ancestor_of"):
        assert listing[name]["schema"]["minimum"] == 1
    assert listing["type"]["schema"]["items"]["enum"]
    assert "cms.NewsArticlePage" in listing["type"]["schema"]["items"]["enum"]
    assert listing["region"]["schema"]["pattern"]


def test_page_detail_variants_exclude_each_other_by_type(schema):
    components = schema["components"]["schemas"]
    detail = components["PageDetail"]
    types = []
    for variant in detail["oneOf"]:
        meta = components[variant["$ref"].rsplit("/", 1)[1]]["properties"]["meta"]
        assert "type" in meta["required"]
        types.extend(meta["properties"]["type"]["enum"])
    assert len(types) == len(set(types)) == len(detail["oneOf"])
